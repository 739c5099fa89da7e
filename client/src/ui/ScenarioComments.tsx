/**
 * Comments on a scenario, anchored to a point in 3D of a variant: visitors place one with a click on
 * the map (a building's surface or the ground) and write it; it appears to everyone once a planner
 * approved it. Planners see every comment with its state and approve or reject it. The comments of
 * the variant shown are marked on the map.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommentInput, ScenarioComment } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';

export interface CommentsApi {
  readonly list: (scenarioId: string) => Promise<ScenarioComment[]>;
  readonly add: (input: CommentInput) => Promise<ScenarioComment>;
  readonly moderate: (
    scenarioId: string,
    commentId: string,
    state: 'approved' | 'rejected',
  ) => Promise<ScenarioComment>;
}

export interface ScenarioCommentsProps {
  readonly api: CommentsApi;
  readonly scenarioId: string;
  readonly variant: { readonly id: string; readonly name: string } | null;
  readonly variantName: (variantId: string) => string;
  readonly canModerate: boolean;
  /** Takes the next map click as a 3D point; returns the stop function (null without a map). */
  readonly onPickPoint: ((onPoint: (point: [number, number, number]) => void) => () => void) | null;
  readonly onMarkers: (
    markers: { id: string; position: readonly [number, number, number]; label: string }[],
  ) => void;
  readonly onFlyTo: (lon: number, lat: number) => void;
}

export function ScenarioComments({
  api,
  scenarioId,
  variant,
  variantName,
  canModerate,
  onPickPoint,
  onMarkers,
  onFlyTo,
}: ScenarioCommentsProps) {
  const translator = useTranslator();
  const [comments, setComments] = useState<ScenarioComment[]>([]);
  const [picking, setPicking] = useState(false);
  const [point, setPoint] = useState<[number, number, number] | null>(null);
  const [text, setText] = useState('');
  const [author, setAuthor] = useState('');
  const [status, setStatus] = useState<{ text: string; problem: boolean } | null>(null);
  const stopPicking = useRef<(() => void) | null>(null);

  const refresh = useCallback(() => {
    api.list(scenarioId).then(setComments, (error: unknown) =>
      setStatus({
        text: translator.t('comments.error', { message: (error as Error).message }),
        problem: true,
      }),
    );
  }, [api, scenarioId, translator]);
  useEffect(() => refresh(), [refresh]);
  useEffect(() => () => stopPicking.current?.(), []);

  const anonymous = translator.t('comments.anonymous');
  useEffect(() => {
    onMarkers(
      comments
        .filter((c) => c.variantId === variant?.id && c.state !== 'rejected')
        .map((c) => ({
          id: c.id,
          position: c.position,
          label: `${c.author ?? anonymous}: ${c.text.length > 40 ? `${c.text.slice(0, 39)}…` : c.text}`,
        })),
    );
  }, [comments, variant, onMarkers, anonymous]);
  useEffect(() => () => onMarkers([]), [onMarkers]);

  const startPicking = () => {
    if (!onPickPoint) return;
    setStatus(null);
    setPicking(true);
    stopPicking.current = onPickPoint((picked) => {
      stopPicking.current = null;
      setPicking(false);
      setPoint(picked);
    });
  };
  const send = async () => {
    if (!variant || !point || text.trim() === '') return;
    try {
      await api.add({
        scenarioId,
        variantId: variant.id,
        position: point,
        text: text.trim(),
        ...(author.trim() === '' ? {} : { author: author.trim() }),
      });
      setPoint(null);
      setText('');
      setStatus({ text: translator.t('comments.sent'), problem: false });
      refresh();
    } catch (error) {
      setStatus({
        text: translator.t('comments.error', { message: (error as Error).message }),
        problem: true,
      });
    }
  };
  const moderate = async (commentId: string, state: 'approved' | 'rejected') => {
    try {
      await api.moderate(scenarioId, commentId, state);
      refresh();
    } catch (error) {
      setStatus({
        text: translator.t('comments.error', { message: (error as Error).message }),
        problem: true,
      });
    }
  };

  return (
    <section className="scenario-comments" aria-labelledby="comments-title" data-testid="scenario-comments">
      <h4 id="comments-title" className="subheading">
        {translator.t('comments.title')}
      </h4>
      {comments.length === 0 && <p className="muted">{translator.t('comments.none')}</p>}
      {comments.length > 0 && (
        <ul className="rule-list">
          {comments.map((c) => {
            const name = c.author ?? anonymous;
            return (
              <li key={c.id} className="rule-item" data-comment-id={c.id} data-state={c.state}>
                <p>
                  {translator.t('comments.line', {
                    author: name,
                    variant: variantName(c.variantId),
                    text: c.text,
                  })}
                </p>
                {canModerate && <p className="muted">{translator.t(`comments.state.${c.state}`)}</p>}
                <div className="alarm-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() => onFlyTo(c.position[0], c.position[1])}
                    aria-label={translator.t('comments.showLabel', { author: name })}
                  >
                    {translator.t('comments.show')}
                  </button>
                  {canModerate && c.state !== 'approved' && (
                    <button
                      type="button"
                      className="button"
                      onClick={() => void moderate(c.id, 'approved')}
                      data-testid="comment-approve"
                    >
                      {translator.t('comments.approve')}
                    </button>
                  )}
                  {canModerate && c.state !== 'rejected' && (
                    <button type="button" className="button" onClick={() => void moderate(c.id, 'rejected')}>
                      {translator.t('comments.reject')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <div className="alarm-actions">
        {variant && (
          <button
            type="button"
            className="button"
            aria-pressed={picking}
            disabled={!onPickPoint || point !== null}
            onClick={() => (picking ? (stopPicking.current?.(), setPicking(false)) : startPicking())}
            data-testid="comment-add"
          >
            {translator.t('comments.add')}
          </button>
        )}
        <button type="button" className="button" onClick={refresh} data-testid="comments-refresh">
          {translator.t('comments.refresh')}
        </button>
      </div>
      {picking && (
        <p className="muted" role="status">
          {translator.t('comments.pickHint')}
        </p>
      )}
      {point && variant && (
        <form
          className="rule-form"
          data-testid="comment-form"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <label htmlFor="comment-text">{translator.t('comments.text')}</label>
          <textarea
            id="comment-text"
            rows={3}
            maxLength={2000}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            data-testid="comment-text"
          />
          <label htmlFor="comment-author">{translator.t('comments.author')}</label>
          <input
            id="comment-author"
            type="text"
            maxLength={80}
            value={author}
            onChange={(e) => setAuthor(e.currentTarget.value)}
          />
          <div className="alarm-actions">
            <button type="submit" className="button" disabled={text.trim() === ''} data-testid="comment-send">
              {translator.t('comments.send')}
            </button>
            <button type="button" className="button" onClick={() => setPoint(null)}>
              {translator.t('comments.cancel')}
            </button>
          </div>
        </form>
      )}
      <p className={status?.problem ? 'quality-note' : 'muted'} role="status" data-testid="comment-status">
        {status?.text ?? ''}
      </p>
    </section>
  );
}
