/**
 * What changed between two generated catalogs, from a reviewer's point of view. Every change says whether it
 * widens what an agent can do (a new tool, a tool that now writes, a policy removed), so a release check can
 * refuse widening changes that nobody approved.
 */
export interface Change {
  /** The tool, or `catalog` for catalog-wide settings. */
  subject: string;
  kind: string;
  detail: string;
  widens: boolean;
}
