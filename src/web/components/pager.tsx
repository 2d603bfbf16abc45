// Moves through the pages the `lapse ui` process holds; the page never has more than one of them.
import { DASHBOARD_PAGE_SIZES } from '../../contract/index.js';
import { formatNumber } from '../format.js';

interface PagerProps {
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  onPage(page: number): void;
  onPageSize(pageSize: number): void;
}

export function Pager({ page, pageCount, pageSize, total, onPage, onPageSize }: PagerProps) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav class="pager" aria-label="Pages">
      <span class="pager-range" aria-live="polite">
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <label class="pager-size">
        Rows per page
        <select value={String(pageSize)} onChange={(e) => onPageSize(Number(e.currentTarget.value))}>
          {DASHBOARD_PAGE_SIZES.map((size) => (
            <option key={size} value={String(size)}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <div class="pager-buttons">
        <button type="button" class="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          ‹ Previous
        </button>
        <span class="pager-page">
          Page {formatNumber(page)} of {formatNumber(pageCount)}
        </span>
        <button type="button" class="button" disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
          Next ›
        </button>
      </div>
    </nav>
  );
}
