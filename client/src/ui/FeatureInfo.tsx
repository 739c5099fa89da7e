/**
 * What the map services said about a clicked point (WMS GetFeatureInfo), for the info panel: per
 * layer a heading and per feature a table of its properties, in the server's order. Shows that it
 * is asking, that there is nothing, and which services did not answer.
 */
import { useId } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { FeatureInfoAnswer } from '../ogc/featureInfoAt.ts';

export interface FeatureInfoProps {
  /** Null while the services are asked. */
  readonly answer: FeatureInfoAnswer | null;
}

export function FeatureInfo({ answer }: FeatureInfoProps) {
  const translator = useTranslator();
  const headingId = useId();
  return (
    <section
      className="feature-info"
      aria-labelledby={headingId}
      aria-busy={answer === null}
      data-testid="feature-info"
    >
      <h3 id={headingId}>{translator.t('ogc.info.title')}</h3>
      {answer === null && <p aria-live="polite">{translator.t('ogc.info.loading')}</p>}
      {answer !== null && answer.results.length === 0 && <p>{translator.t('ogc.info.none')}</p>}
      {answer?.results.map((result, r) => (
        <div key={`${result.layerId}-${r}`} className="feature-info-layer">
          <h4>{result.layerTitle}</h4>
          {result.serviceTitle && (
            <p className="feature-info-service muted">
              {translator.t('ogc.info.serviceLayer', { title: result.serviceTitle })}
            </p>
          )}
          {result.features.map((feature, f) => (
            <table key={f} className="feature-info-table">
              <caption>{feature.title ?? translator.t('ogc.info.feature', { n: String(f + 1) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{translator.t('ogc.info.property')}</th>
                  <th scope="col">{translator.t('ogc.info.value')}</th>
                </tr>
              </thead>
              <tbody>
                {feature.properties.map(([name, value], p) => (
                  <tr key={`${name}-${p}`}>
                    <th scope="row">{name}</th>
                    <td>
                      {/^https?:\/\//.test(value) ? (
                        <a href={value} target="_blank" rel="noopener noreferrer">
                          {value}
                        </a>
                      ) : (
                        value
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
      ))}
      {answer !== null && answer.failed.length > 0 && (
        <p role="status">{translator.t('ogc.info.failed', { layers: answer.failed.join(', ') })}</p>
      )}
    </section>
  );
}
