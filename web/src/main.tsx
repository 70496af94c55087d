// The console's entry: read the configuration, settle who is signed in, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { authFor, captureTokenFromUrl } from './lib/auth';
import { loadConfig } from './lib/config';
import { createQueryClient } from './lib/query';

async function start(): Promise<void> {
  captureTokenFromUrl();
  const config = await loadConfig();
  const auth = await authFor(config);
  if (auth.completeSignIn && window.location.pathname === `${import.meta.env.BASE_URL}callback`) {
    const next = await auth.completeSignIn();
    window.history.replaceState(null, '', next);
  }
  const signedIn = (await auth.token()) !== undefined;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App auth={auth} queryClient={createQueryClient()} signedIn={signedIn} {...(config.apiUrl ? { apiUrl: config.apiUrl } : {})} />
    </StrictMode>,
  );
}

void start();
