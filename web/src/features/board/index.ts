export { BoardIndex, BoardPage } from './components/BoardPage';
