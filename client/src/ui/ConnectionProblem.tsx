/**
 * The banner shown when the server refused the viewer: for a protocol version mismatch it shows the
 * server's own sentence and offers a reload, since retrying cannot help.
 */
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LiveStore } from '../live/liveStore.ts';
import { useLiveSnapshot } from './hooks.ts';

/** Renders nothing while the connection has no problem. */
export function ConnectionProblem({ store }: { store: LiveStore }) {
  const translator = useTranslator();
  const { problem } = useLiveSnapshot(store);
  if (!problem) return null;
  return (
    <div className="problem-banner" role="alert" data-testid="connection-problem" data-kind={problem.kind}>
      <strong>
        {translator.t(
          problem.kind === 'version-mismatch' ? 'connection.versionTitle' : 'connection.problemTitle',
        )}
      </strong>
      <span className="problem-message">{problem.message}</span>
      {problem.kind === 'version-mismatch' && (
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {translator.t('connection.reload')}
        </button>
      )}
    </div>
  );
}
