import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppRoutes, ConsoleProvider } from './App.tsx';
import { fetchConfig } from './config.ts';
import './styles.css';

const config = await fetchConfig();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <ConsoleProvider config={config}>
        <AppRoutes />
      </ConsoleProvider>
    </BrowserRouter>
  </StrictMode>,
);
