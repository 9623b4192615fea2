export { createApp } from './app.js';
export { createServeContext, type ServeContext, type ServeContextOptions } from './context.js';
export { startServer, serveUntilStopped, type RunningServer, type ServerOptions } from './server.js';
export { hostNeedsToken } from './auth.js';
