/**
 * Reads a user's file off the main thread, so the page stays responsive with a large file: takes
 * `{ file }` (a File), answers `{ result }` (a {@link ParsedUserFile}) or `{ error: { key, params } }`.
 */
import { UserFileError } from './userFileError.ts';
import { checkFileSize, decodeText, parseUserFile } from './parseUserFile.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ file: File }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { file } = event.data;
  void (async () => {
    try {
      checkFileSize(file.name, file.size);
      const text = decodeText(new Uint8Array(await file.arrayBuffer()));
      scope.postMessage({ result: parseUserFile(file.name, text) });
    } catch (error) {
      scope.postMessage({
        error:
          error instanceof UserFileError
            ? { key: error.key, params: error.params }
            : { key: 'userFile.error.read', params: { file: file.name } },
      });
    }
  })();
};
