// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The break-glass list (docs/design.md "Break-glass"): names, reasons and times from the
// verified chain, never a value. Polled: a window opens and ends by the clock, and an answer
// by another approver arrives with any sync.
import { useQuery } from '@tanstack/react-query';
import { call } from '../../bridge.ts';

export const breakGlassKey = ['breakglass.status'] as const;

export const useBreakGlass = (refetchInterval = 15_000) =>
  useQuery({ queryKey: breakGlassKey, queryFn: () => call('breakglass.status', {}), refetchInterval });
