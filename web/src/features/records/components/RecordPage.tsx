import { EmptyState } from '../../../components/States';
export function RecordPage() { return <EmptyState title="Record" />; }
