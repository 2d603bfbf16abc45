// A failure the reseller can act on: what went wrong, what to do, and the technical detail below it.
import type { UiRequestError } from '../ui-client.js';

export function ErrorPanel({ error, onRetry }: { error: UiRequestError; onRetry(): void }) {
  return (
    <section class={`error-panel error-${error.kind}`} role="alert" data-error-kind={error.kind}>
      <div class="error-icon" aria-hidden="true">
        !
      </div>
      <div class="error-body">
        <h2>{error.title}</h2>
        <p class="error-message">{error.message}</p>
        {error.detail !== null && error.detail !== error.message && (
          <p class="error-detail">
            Details: <code>{error.detail}</code>
          </p>
        )}
        <button type="button" class="button button-primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </section>
  );
}
