import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setUnauthenticatedHandler } from '@/web/api';
import { initI18n } from '@/web/i18n';
import { forgetSession } from '@/web/session';
import { App } from '@/web/app';
import '@/web/styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Slow, metered links: do not refetch every time the phone comes back to the tab.
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      retry: 1,
    },
  },
});

// A session that expires while a page is open sends that page back to sign-in instead of showing errors.
setUnauthenticatedHandler(() => forgetSession(client));

void initI18n().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
});
