import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WallPage } from './wall/WallPage.tsx';
import './wall/wall.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WallPage />
  </StrictMode>,
);
