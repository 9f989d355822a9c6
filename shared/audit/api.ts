// Process: shared. The team server's audit API (docs/design.md "Audit"): paths and bodies,
// checked by the server on the way in and by the client on the way back. Nothing the server
// says here is believed before shared/audit/verify.ts has checked it.
import { z } from 'zod';
import { API_PREFIX } from '../api.ts';
import { clientAuditEvent } from './entry.ts';

/** The most entries one page holds; a client pages on until it reaches the head. */
export const AUDIT_PAGE_MAX = 5000;
/** The most client events one report carries (a queue kept offline is sent in chunks). */
export const AUDIT_REPORT_MAX = 500;

export const auditPaths = {
  log: (t: string) => `${API_PREFIX}/teams/${t}/audit`,
};

export const auditQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(1000),
  })
  .strict();

export const auditReply = z.object({
  entries: z.array(z.unknown()).max(AUDIT_PAGE_MAX),
  head: z.number().int().min(0),
});

export const auditReportBody = z
  .object({ events: z.array(clientAuditEvent).min(1).max(AUDIT_REPORT_MAX) })
  .strict();
export const auditReportReply = z.object({ seqs: z.array(z.number().int()) });
