// The three views of companies and the Changes view as tabs (arrow keys move between them, as the WAI-ARIA tabs pattern describes).
import { formatNumber } from '../format.js';
import type { PageView } from '../url-state.js';

export interface ViewTab {
  view: PageView;
  title: string;
  count: number | undefined;
}

interface ViewTabsProps {
  tabs: ViewTab[];
  selected: PageView;
  onSelect(view: PageView): void;
}

export function ViewTabs({ tabs, selected, onSelect }: ViewTabsProps) {
  const move = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.view);
    document.getElementById(`tab-${next.view}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="Views">
      {tabs.map((tab, index) => {
        const isSelected = tab.view === selected;
        return (
          <button
            key={tab.view}
            id={`tab-${tab.view}`}
            type="button"
            role="tab"
            class={`tab tab-${tab.view}`}
            aria-selected={isSelected}
            aria-controls="view-panel"
            tabIndex={isSelected ? 0 : -1}
            onClick={() => onSelect(tab.view)}
            onKeyDown={(event) => move(event, index)}
          >
            {tab.title}
            {tab.count !== undefined && <span class="tab-count">{formatNumber(tab.count)}</span>}
          </button>
        );
      })}
    </div>
  );
}
