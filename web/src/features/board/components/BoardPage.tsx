import { Navigate } from 'react-router';
import { EmptyState } from '../../../components/States';

export function BoardIndex() {
  return <Navigate to="/pipelines/sales" replace />;
}

export function BoardPage() {
  return <EmptyState title="Board" />;
}
