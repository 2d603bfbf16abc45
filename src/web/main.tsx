// The dashboard's entry point: renders the app into the page that `lapse ui` serves.
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
