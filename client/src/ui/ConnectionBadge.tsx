/**
 * The always-visible connection badge: "Live", "Verbindung wird wiederhergestellt…", "Offline", or
 * "Rückblick" while the timeline shows the past.
 * Announced politely to screen readers when it changes.
 */
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { PAST_SUBSCRIPTION, type ConnectionState, type LiveStore } from '../live/liveStore.ts';
import { useLiveSnapshot } from './hooks.ts';

const TEXT_KEYS: Readonly<Record<ConnectionState, MessageKey>> = {
  connecting: 'connection.connecting',
  live: 'connection.live',
  reconnecting: 'connection.reconnecting',
  offline: 'connection.offline',
  none: 'connection.none',
};

/** Shows the live connection's state; `data-state` carries it for tests. */
export function ConnectionBadge({ store }: { store: LiveStore }) {
  const translator = useTranslator();
  const { connection, state } = useLiveSnapshot(store);
  // Connected, but the timeline shows the past: the badge must not say "Live".
  const past = connection === 'live' && state?.subscriptionId === PAST_SUBSCRIPTION;
  const text = translator.t(past ? 'connection.past' : TEXT_KEYS[connection]);
  return (
    <div
      className={`connection-badge connection-${past ? 'past' : connection}`}
      data-testid="connection-state"
      data-state={past ? 'past' : connection}
      role="status"
      aria-live="polite"
      aria-label={translator.t('connection.label', { state: text })}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
