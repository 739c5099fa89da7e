// The entry of an import worker thread. A worker starts as plain Node, without the TypeScript
// loader of the thread that started it (tsx for `npm start` and `npm run dev`, Vite's for vitest),
// so this one file is JavaScript: it registers tsx's loader, scoped to this import, and loads the
// TypeScript worker module through it.
import { tsImport } from 'tsx/esm/api';

const { runImportWorker } = await tsImport('./importWorker.ts', import.meta.url);
await runImportWorker();
