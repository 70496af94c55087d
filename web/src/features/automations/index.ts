// The automations feature's public face: the list, one automation (builder, test, history, log), a new one,
// and Run now for record pages.
export { AutomationsPage } from './components/AutomationsPage';
export { AutomationPage, NewAutomationPage } from './components/AutomationPage';
export { RunNowMenu } from './components/RunNowMenu';
