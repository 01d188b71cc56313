// Worker threads start from plain JavaScript: register the TypeScript loader, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
