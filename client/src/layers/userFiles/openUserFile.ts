/**
 * Opens a user's file: checks its size, parses it in a worker (`userFileWorker.ts`), keeps its
 * features in memory and answers the layer entry that shows them.
 */
import type { LayerEntryOf } from '../../../../protocol/index.ts';
import type { CityFeature } from '../../geo/geojson.ts';
import { registerMemorySource } from './memorySources.ts';
import { checkFileSize, type ParsedUserFile } from './parseUserFile.ts';
import { UserFileError, type UserFileMessageKey, type UserFileWarning } from './userFileError.ts';
import { userFileEntry } from './userFileEntry.ts';

/** A file ready for the map. */
export interface OpenedUserFile {
  readonly entry: LayerEntryOf<'geojson'>;
  readonly features: readonly CityFeature[];
  readonly warnings: readonly UserFileWarning[];
  readonly reprojectedFrom: string | null;
}

type WorkerAnswer =
  | { result: ParsedUserFile }
  | { error: { key: UserFileMessageKey; params: Record<string, string | number> } };

function parseInWorker(file: File): Promise<ParsedUserFile> {
  const worker = new Worker(new URL('./userFileWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<ParsedUserFile>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
      worker.terminate();
      const answer = event.data;
      if ('result' in answer) resolve(answer.result);
      else reject(new UserFileError(answer.error.key, answer.error.params));
    };
    worker.onerror = () => {
      worker.terminate();
      reject(new UserFileError('userFile.error.read', { file: file.name }));
    };
    worker.postMessage({ file });
  });
}

/** Opens `file`; throws {@link UserFileError} with a message for the user. */
export async function openUserFile(file: File, today: Date = new Date()): Promise<OpenedUserFile> {
  checkFileSize(file.name, file.size);
  const parsed = await parseInWorker(file);
  const url = registerMemorySource(parsed.features, file.name.replace(/\.[^.]+$/, ''));
  return {
    entry: userFileEntry(file.name, parsed.features, url, today),
    features: parsed.features,
    warnings: parsed.warnings,
    reprojectedFrom: parsed.reprojectedFrom,
  };
}
