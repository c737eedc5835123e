// Types shared by the server and the web app: what the API answers, declared once.
export * from './cases.js';
export * from './transit.js';
export * from './vitals.js';
