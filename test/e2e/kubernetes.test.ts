import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callConfirmed } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Kubernetes' OpenAPI v3 (test/e2e/specs/kubernetes.json: apps/v1 Deployment trimmed from kubernetes/kubernetes
 * api/openapi-spec/v3/apis__apps__v1_openapi.json's shapes), through a real MCP client to a recording upstream:
 * - every PATCH offers json-patch+json, merge-patch+json, strategic-merge-patch+json and apply-patch+yaml for the
 *   object schema Patch; the object went out as application/json-patch+json, whose documents are arrays (the API
 *   server refuses it);
 * - IntOrString (`type: string, format: int-or-string`; `x-kubernetes-int-or-string` in CRDs) holds `maxSurge: 1`
 *   or `"25%"`: the integer was refused as an argument and reported as drift in results.
 */
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    selector: {},
    template: {},
    strategy: { maxSurge: 1, maxUnavailable: "25%", crdStyle: 2, crdBare: "x" },
  },
};

const fx = servedSpec(
  join(ROOT, "test/e2e/specs/kubernetes.json"),
  "k8s",
  "kubernetes",
  (url) => ({ K8S_BASE_URL: url, K8S_API_KEY: "Bearer t" }),
  (_req, res) => sendJson(res, 200, deployment),
);

describe("Kubernetes", () => {
  it("a PATCH of an object goes out as a merge patch, not as JSON Patch", async () => {
    const { result } = await callConfirmed(fx.client(), "patch_apps_v1_namespaced_deployment", {
      namespace: "default",
      name: "web",
      fieldManager: "toolwright",
      body: { spec: { replicas: 3 } },
    });
    expect(result.isError).toBeFalsy();
    const sent = fx.upstream().received.at(-1);
    expect(`${sent?.method} ${sent?.url}`).toBe(
      "PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=toolwright",
    );
    expect(sent?.headers["content-type"]).toBe("application/merge-patch+json");
    expect(sent?.body.toString()).toBe('{"spec":{"replicas":3}}');
  });

  it("IntOrString takes and returns an integer or a string", async () => {
    const { result } = await callConfirmed(fx.client(), "replace_apps_v1_namespaced_deployment", {
      namespace: "default",
      name: "web",
      ...deployment,
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(JSON.parse(fx.upstream().received.at(-1)?.body.toString() ?? "{}").spec.strategy).toEqual(
      deployment.spec.strategy,
    );
    const read = await fx.client().callTool({
      name: "read_apps_v1_namespaced_deployment",
      arguments: { namespace: "default", name: "web" },
    });
    expect(read.isError).toBeFalsy();
    expect(read.structuredContent).toEqual(deployment);
    // A drift line would be written before the call's audit line (the audit step ends the call): once that line
    // has been read from stderr, a drift line would have been too, so this check can fail.
    expect(await fx.served().waitForStderr('"tool":"read_apps_v1_namespaced_deployment"')).not.toContain(
      "drift",
    );
  });
});
