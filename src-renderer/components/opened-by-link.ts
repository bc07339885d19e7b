import { useEffect } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Runs `open` with the value of `param` when a link (the palette's "New
 * organization", "Pause Zephyr") names it, then takes it out of the URL so
 * that going back or reloading does not open it again.
 */
export function useOpenedByLink(param: string, open: (value: string) => void): void {
  const [params, setParams] = useSearchParams();
  const value = params.get(param);
  useEffect(() => {
    if (value === null) return;
    open(value);
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(param);
        return next;
      },
      { replace: true },
    );
  }, [value, param, open, setParams]);
}
