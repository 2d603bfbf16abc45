// The drawer's Renew action: the plan first (old → new renewal date, by the licence's own period or a chosen
// day, as lapse ui works it out), then a second click that asks before anything is written.
import { useEffect, useState } from 'preact/hooks';
import type { CompanyDetail, CompanyDto, RenewalPlan } from '../../contract/index.js';
import { formatDay } from '../format.js';
import { getJson, postJson, UiRequestError } from '../ui-client.js';

interface RenewPanelProps {
  company: CompanyDto;
  timeZone: string;
  /** After the write: the company as it is now, so the page can show it and refresh its listings. */
  onRenewed(detail: CompanyDetail): void;
}

type Step = 'plan' | 'confirm' | 'writing';

const messageOf = (failure: unknown) => (failure instanceof Error ? failure.message : String(failure));

export function RenewPanel({ company, timeZone, onRenewed }: RenewPanelProps) {
  const [until, setUntil] = useState('');
  const [plan, setPlan] = useState<RenewalPlan>();
  const [problem, setProblem] = useState<string>();
  const [step, setStep] = useState<Step>('plan');
  const path = `/ui-api/companies/${encodeURIComponent(company.resourceId)}/renewal`;

  useEffect(() => {
    const controller = new AbortController();
    setPlan(undefined);
    setProblem(undefined);
    setStep('plan');
    const params = new URLSearchParams({ tz: timeZone, ...(until !== '' && { until }) });
    getJson<RenewalPlan>(path, params, controller.signal)
      .then(setPlan)
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setProblem(messageOf(failure));
      });
    return () => controller.abort();
  }, [company.resourceId, company.licenseEndDate, until, timeZone]);

  const write = async (newRenewalDate: string) => {
    setStep('writing');
    try {
      onRenewed(await postJson<CompanyDetail>(path, new URLSearchParams({ newRenewalDate, tz: timeZone })));
      setUntil('');
    } catch (failure) {
      setProblem(failure instanceof UiRequestError ? `${failure.title}: ${failure.message}` : messageOf(failure));
      setStep('plan');
    }
  };

  const period = company.licensePeriodTypeName ?? 'its licence period';
  return (
    <section class="renew-panel" aria-labelledby="renew-title">
      <h3 id="renew-title">Renew</h3>
      <label class="renew-until">
        New renewal date
        <input
          type="date"
          value={until}
          onInput={(event) => setUntil((event.target as HTMLInputElement).value)}
          aria-describedby="renew-basis"
        />
      </label>
      <p id="renew-basis" class="renew-basis">
        {until === '' ? `By ${period}, from the renewal date (or today, once expired).` : 'To the date chosen.'}
      </p>
      {plan && (
        <p class="renew-plan" data-old={plan.oldRenewalDate ?? ''} data-new={plan.newRenewalDate}>
          Renewal date: {formatDay(plan.oldRenewalDate)} → <strong>{formatDay(plan.newRenewalDate)}</strong>
        </p>
      )}
      {problem && (
        <p class="renew-problem" role="alert">
          {problem}
        </p>
      )}
      {plan && step === 'plan' && (
        <button type="button" class="button" onClick={() => setStep('confirm')}>
          Renew…
        </button>
      )}
      {plan && step !== 'plan' && (
        <fieldset class="renew-confirm">
          <legend>
            Write {formatDay(plan.newRenewalDate)} as the renewal date of {plan.companyName}?
          </legend>
          <button
            type="button"
            class="button"
            disabled={step === 'writing'}
            onClick={() => void write(plan.newRenewalDate)}
          >
            Confirm renewal
          </button>
          <button type="button" class="button button-quiet" onClick={() => setStep('plan')}>
            Cancel
          </button>
        </fieldset>
      )}
    </section>
  );
}
