// Local tools' public face: the clock, the outbox and the bus's latest events (local mode only).
export { LocalToolsPage } from './components/LocalToolsPage';
