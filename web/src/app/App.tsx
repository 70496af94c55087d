// Providers and the router: theme, session (API client + auth), server state, routes.
import '@mantine/core/styles.css';
import { MantineProvider, createTheme } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { RouterProvider, createBrowserRouter } from 'react-router';
import { createApiClient } from '../lib/api';
import type { Auth } from '../lib/auth';
import { SessionProvider } from '../lib/session';
import { routes } from './routes';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

export const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' });

export function App({ auth, queryClient, signedIn, apiUrl }: { auth: Auth; queryClient: QueryClient; signedIn: boolean; apiUrl?: string }) {
  const api = useMemo(() => createApiClient(() => auth.token(), apiUrl ? { baseUrl: apiUrl } : {}), [auth, apiUrl]);
  const router = useMemo(() => createBrowserRouter([{ path: '/', element: <Shell />, children: routes }], { basename: '/console' }), []);
  return (
    <MantineProvider theme={theme}>
      <SessionProvider api={api} auth={auth}>
        <QueryClientProvider client={queryClient}>
          {signedIn ? <RouterProvider router={router} /> : <SignIn auth={auth} />}
        </QueryClientProvider>
      </SessionProvider>
    </MantineProvider>
  );
}
