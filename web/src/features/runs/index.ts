// The run log's public face: Status & logs, run detail, a record's runs, and the pieces the automations list shows.
export { RunsPage } from './components/RunsPage';
export { RunDetailPage } from './components/RunDetailPage';
export { RunLog, RunStatusBadge } from './components/RunLog';
export { RecordRuns } from './components/RecordRuns';
export { RecentRuns } from './components/RecentRuns';
