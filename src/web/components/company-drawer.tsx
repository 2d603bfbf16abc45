// One company in full, beside the table: every field of the API's CompanyDto and the resellers above it, and the
// Renew action. Escape or the close button shuts it; the table stays usable behind it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { type CompanyDetail, type CompanyDto, UNLIMITED } from '../../contract/index.js';
import { formatDay, formatInstantDay, formatNumber } from '../format.js';
import type { UiRequestError } from '../ui-client.js';
import { AcknowledgementDetail } from './acknowledgement-mark.js';
import { STATE_TITLES, StateBadge } from './lifecycle-state.js';
import { RenewPanel } from './renew-panel.js';

interface CompanyDrawerProps {
  companyId: string;
  detail: CompanyDetail | undefined;
  error: UiRequestError | undefined;
  /** The zone that decides "today" for a renewal. */
  timeZone: string;
  onClose(): void;
  onRenewed(detail: CompanyDetail): void;
}

const orDash = (value: string | null) => value ?? '—';
/** A name with the id it stands for, as the DTO holds both. */
const named = (name: string | null, id: string | null) => (
  <>
    {orDash(name)}
    {id !== null && <span class="detail-id"> {id}</span>}
  </>
);

function rows(company: CompanyDto): [string, ComponentChildren][] {
  return [
    ['Resource id', <code key="id">{company.resourceId}</code>],
    ['Description', orDash(company.description)],
    ['Status', named(company.statusName, company.statusId === null ? null : String(company.statusId))],
    ['Licence type', named(company.licenseTypeName, company.licenseTypeResourceId)],
    ['Licence period', named(company.licensePeriodTypeName, company.licensePeriodTypeResourceId)],
    ['Licence start', formatInstantDay(company.licenseStartDate)],
    ['Licence end (renewal)', formatInstantDay(company.licenseEndDate)],
    ['Licence limit', company.isNumberOfUsersLimited ? formatNumber(company.numberOfUsers) : UNLIMITED],
    ['Target users', formatNumber(company.targetUserCount)],
    ['Modules', company.licenseModules.length === 0 ? '—' : company.licenseModules.join(', ')],
    ['Industry', named(company.industryName, company.industryResourceId)],
    [
      'Country',
      named(
        company.countryName === null
          ? null
          : `${company.countryName}${company.countryCode ? ` (${company.countryCode})` : ''}`,
        company.countryResourceId,
      ),
    ],
    ['Time zone', orDash(company.timeZoneId)],
    ['Date format', orDash(company.dateFormat)],
    ['Time format', orDash(company.timeFormat)],
    [
      'Tags',
      company.tags.length === 0 ? (
        '—'
      ) : (
        <ul class="tag-list">
          {company.tags.map((tag) => (
            <li key={tag} class="tag">
              {tag}
            </li>
          ))}
        </ul>
      ),
    ],
    ['Parent id', company.parentId === null ? '—' : String(company.parentId)],
  ];
}

export function CompanyDrawer({ companyId, detail, error, timeZone, onClose, onRenewed }: CompanyDrawerProps) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [companyId]);
  const company = detail?.company.resourceId === companyId ? detail.company : undefined;
  return (
    <div class="drawer" role="dialog" aria-labelledby="drawer-title" data-company={companyId}>
      <div class="drawer-head">
        <h2 id="drawer-title">{company?.name ?? (error ? error.title : 'Loading…')}</h2>
        <button type="button" class="button button-quiet" ref={closeButton} onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {error && !company ? (
        <p class="drawer-error" role="alert">
          {error.message}
        </p>
      ) : company && detail ? (
        <>
          <nav class="parent-chain" aria-label="Parents">
            <ol>
              {detail.parents.map((parent) => (
                <li key={parent.resourceId} data-parent={parent.resourceId}>
                  {parent.name}
                </li>
              ))}
              <li aria-current="true">{company.name}</li>
            </ol>
          </nav>
          <p class="drawer-lifecycle" data-lifecycle={detail.lifecycle.state}>
            <span class="field-label">Lifecycle on {formatDay(detail.asOf)}</span>{' '}
            <StateBadge lifecycle={detail.lifecycle} />
            {detail.lifecycle.nextChange !== null && detail.lifecycle.nextState !== null && (
              <span class="muted">
                {' '}
                · {STATE_TITLES[detail.lifecycle.nextState]} from {formatDay(detail.lifecycle.nextChange)}
              </span>
            )}
          </p>
          {detail.acknowledgement && <AcknowledgementDetail mark={detail.acknowledgement} />}
          <dl class="detail-list">
            {rows(company).map(([term, value]) => (
              <div class="detail-row" key={term}>
                <dt>{term}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <RenewPanel company={company} timeZone={timeZone} onRenewed={onRenewed} />
        </>
      ) : (
        <div class="drawer-loading">
          <span class="spinner" aria-hidden="true" /> Loading company…
        </div>
      )}
    </div>
  );
}
