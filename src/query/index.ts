export { prepareReadOnly, streamPrepared } from './run.js';
