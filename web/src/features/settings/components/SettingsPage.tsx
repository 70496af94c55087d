import { EmptyState } from '../../../components/States';
export function SettingsPage() { return <EmptyState title="Settings" />; }
