import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Article } from './Article';
import '../ui/styles.css';
import './article.css';

// The article's only state is its theme: `?theme=dark|light` (as the lab's links write it), else the system's.
const asked = new URLSearchParams(window.location.search).get('theme');
const theme = asked === 'dark' || asked === 'light' ? asked : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Article initialTheme={theme} />
  </StrictMode>,
);
