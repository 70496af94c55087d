// The automations feature's public face: the list, one automation (builder, test, history, log), a new one,
// Run now for record pages, and the webhook secrets with the automations that sign with each (for settings).
export { AutomationsPage } from './components/AutomationsPage';
export { AutomationPage, NewAutomationPage } from './components/AutomationPage';
export { RunNowMenu } from './components/RunNowMenu';
export { useWebhookSecrets, useWebhookSecretSigners } from './api/webhook-secrets';
