import { EmptyState } from '../../../components/States';
export function RecordListPage() { return <EmptyState title="Records" />; }
