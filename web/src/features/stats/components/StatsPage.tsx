import { EmptyState } from '../../../components/States';
export function StatsPage() { return <EmptyState title="Statistics" />; }
