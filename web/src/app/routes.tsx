// The console's routes under /console/ (history routing). Each feature is its own chunk,
// so the first load carries only the shell and the screen opened.
//
// Plugging in a feature: add its routes to `routes` and, for a main entry, a line in
// `navigation` (Shell renders it).
import { lazy, type ReactNode } from 'react';
import { Navigate, type RouteObject, useParams } from 'react-router';
import { usePrefetchBoard } from '../features/board/prefetch';
import { NotificationsPage } from '../features/notifications';
import { paths } from '../lib/paths';

const BoardPage = lazy(() => import('../features/board').then((m) => ({ default: m.BoardPage })));
const BoardIndex = lazy(() => import('../features/board').then((m) => ({ default: m.BoardIndex })));
const RecordListPage = lazy(() => import('../features/records').then((m) => ({ default: m.RecordListPage })));
const RecordPage = lazy(() => import('../features/records').then((m) => ({ default: m.RecordPage })));
const SettingsPage = lazy(() => import('../features/settings').then((m) => ({ default: m.SettingsPage })));
const StatsPage = lazy(() => import('../features/stats').then((m) => ({ default: m.StatsPage })));
const AutomationsPage = lazy(() => import('../features/automations').then((m) => ({ default: m.AutomationsPage })));
const AutomationPage = lazy(() => import('../features/automations').then((m) => ({ default: m.AutomationPage })));
const NewAutomationPage = lazy(() => import('../features/automations').then((m) => ({ default: m.NewAutomationPage })));
const RunsPage = lazy(() => import('../features/runs').then((m) => ({ default: m.RunsPage })));
const RunDetailPage = lazy(() => import('../features/runs').then((m) => ({ default: m.RunDetailPage })));
const LocalToolsPage = lazy(() => import('../features/local-tools').then((m) => ({ default: m.LocalToolsPage })));

/** The board's request leaves with the board's chunk, not after it. */
function BoardRoute() {
  const { pipelineId = '' } = useParams();
  usePrefetchBoard(pipelineId);
  return <BoardPage />;
}

export interface NavigationEntry {
  label: string;
  to: string;
  /** Marks the entry active for these path prefixes too. */
  prefixes?: string[];
  icon: ReactNode;
  /** Only local mode has these routes (/local/* on the API): hidden when signed in through Cognito. */
  localOnly?: boolean;
  /** Every request of the screen is for admins (the API refuses members): hidden from members. */
  adminOnly?: boolean;
}

export const navigation: NavigationEntry[] = [
  { label: 'Board', to: '/pipelines', prefixes: ['/pipelines'], icon: '▦' },
  { label: 'Deals', to: paths.list('deals'), icon: '◆' },
  { label: 'Leads', to: paths.list('leads'), icon: '✦' },
  { label: 'Contacts', to: paths.list('contacts'), icon: '☺' },
  { label: 'Companies', to: paths.list('companies'), icon: '⌂' },
  { label: 'Automations', to: paths.automations, icon: '⚙' },
  { label: 'Runs', to: paths.runs, icon: '↻' },
  { label: 'Statistics', to: paths.stats, icon: '▮' },
  { label: 'Settings', to: paths.settings('butler'), prefixes: ['/settings'], icon: '⚒' },
  { label: 'Local tools', to: '/local/clock', prefixes: ['/local'], icon: '◷', localOnly: true, adminOnly: true },
];

/** The entries shown to a session signed in the given way, by an admin or not (not yet known: not an admin). */
export const navigationFor = (authKind: 'local' | 'cognito', isAdmin: boolean): NavigationEntry[] =>
  navigation.filter((entry) => (!entry.localOnly || authKind === 'local') && (!entry.adminOnly || isAdmin));

export const routes: RouteObject[] = [
  { index: true, element: <Navigate to="/pipelines/sales" replace /> },
  { path: 'pipelines', element: <BoardIndex /> },
  { path: 'pipelines/:pipelineId', element: <BoardRoute /> },
  { path: ':collection', element: <RecordListPage /> },
  { path: ':collection/:id', element: <RecordPage /> },
  { path: 'settings', element: <Navigate to={paths.settings('butler')} replace /> },
  { path: 'settings/:section', element: <SettingsPage /> },
  { path: 'stats', element: <StatsPage /> },
  { path: 'notifications', element: <NotificationsPage /> },
  { path: 'automations', element: <AutomationsPage /> },
  { path: 'automations/new', element: <NewAutomationPage /> },
  { path: 'automations/:id', element: <AutomationPage /> },
  { path: 'automations/:id/:tab', element: <AutomationPage /> },
  { path: 'automations/:id/runs/:runId', element: <RunDetailPage /> },
  { path: 'runs', element: <RunsPage /> },
  { path: 'local', element: <Navigate to="/local/clock" replace /> },
  { path: 'local/:tool', element: <LocalToolsPage /> },
];
