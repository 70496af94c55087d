export { RecordListPage } from './components/RecordListPage';
export { RecordPage } from './components/RecordPage';
