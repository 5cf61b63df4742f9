import { describe, expect, it } from "vitest";
import { type Source, serverTemplatesOf } from "../../src/catalog.js";
import { outsideEnum, templateValues } from "../../src/config/server-template.js";
import { hostElsewhere } from "../../src/policy/server-tenant.js";

const values = (template: string, url: string) => {
  const found = templateValues(template, url);
  return found && Object.fromEntries([...found].map(([k, v]) => [k, v.value]));
};

describe("templateValues: a base URL read against the spec's server template", () => {
  it("reads host, host-suffix and path variables; trailing slashes and letter case aside", () => {
    expect(values("https://{tenant}.api.example.com/v1", "https://globex.api.example.com/v1/")).toEqual({
      tenant: "globex",
    });
    expect(values("https://{account}.{suffix}", "https://acct.blob.core.windows.net")).toEqual({
      account: "acct",
      suffix: "blob.core.windows.net",
    });
    expect(values("https://api.example.com/{tenant}/v2", "https://API.example.com/Globex/v2")).toEqual({
      tenant: "Globex",
    });
    expect(values("https://api.example.com/t/{tenant}", "https://api.example.com/t/globex/more")).toEqual({
      tenant: "globex",
    });
    expect(values("https://{tenant}.api.example.com/v1", "https://globex.api.example.com/v1/extra")).toEqual({
      tenant: "globex",
    });
  });

  it("reads the host as a host: its port, a trailing dot, the scheme and another path aside", () => {
    const t = "https://{tenant}.api.example.com/v1";
    for (const url of [
      "https://globex.api.example.com:8443/v1",
      "https://globex.api.example.com./v1",
      "http://globex.api.example.com/v1",
      "https://globex.api.example.com/v1x",
      "https://globex.api.example.com",
      "https://GLOBEX.api.exa%6Dple.com/v2/x",
    ])
      expect(values(t, url), url).toEqual({ tenant: "globex" });
    // The fixed part is the host's end: the labels before it are the tenant's, however many.
    expect(values(t, "https://x.globex.api.example.com/v1")).toEqual({ tenant: "x.globex" });
    expect(values(t, "https://acme.api.example.com.api.example.com/v1")).toEqual({
      tenant: "acme.api.example.com",
    });
    // A port variable holds the URL's port (its scheme's default when it names none): a port is part of the place.
    expect(values("https://{tenant}.api.example.com:{port}", "https://globex.api.example.com:9")).toEqual({
      tenant: "globex",
      port: "9",
    });
    expect(values("https://{tenant}.api.example.com:{port}", "https://globex.api.example.com")).toEqual({
      tenant: "globex",
      port: "443",
    });
    // A path is read up to the first fixed segment the URL does not have.
    expect(values("https://api.example.com/{tenant}/v1/{x}", "https://api.example.com/globex/v2/y")).toEqual({
      tenant: "globex",
    });
  });

  it("is undefined for a URL of another form, a host value holding a path, or touching variables", () => {
    expect(values("https://{tenant}.api.example.com/v1", "http://127.0.0.1:8080/v1")).toBeUndefined();
    expect(values("https://{tenant}.api.example.com/v1", "http://[::1]:8080/v1")).toBeUndefined();
    expect(values("https://{tenant}.api.example.com/v1", "https://api.example.com/v1")).toBeUndefined();
    expect(values("https://{tenant}.api.example.com", "https://x.test/a.api.example.com")).toBeUndefined();
    expect(values("https://{a}{b}.example.com", "https://ab.example.com")).toBeUndefined();
  });
});

const source: Source = {
  id: "api",
  kind: "openapi",
  baseUrl: { env: "API_URL" },
  auth: [],
  timeoutMs: 1000,
};
const why = "it is named like the tenant";
const locking = (template: string) => ({
  template: { template, variables: [{ name: "tenant" }] },
  variables: [{ name: "tenant", why }],
});
const carrier = (...templates: string[]) => ({ source, templates: templates.map(locking) });

describe("hostElsewhere", () => {
  it("compares a host's value without case, a path's exactly, both percent-decoded", () => {
    const host = carrier("https://{tenant}.api.example.com");
    expect(hostElsewhere(host, "Acme", () => "https://ACME.api.example.com")).toBeUndefined();
    expect(hostElsewhere(host, "acme", () => "https://%61cme.api.example.com")).toBeUndefined();
    expect(hostElsewhere(host, "acme", () => "https://acme.api.example.com.:444")).toBeUndefined();
    expect(hostElsewhere(host, "Bücher", () => "https://xn--bcher-kva.api.example.com")).toBeUndefined();
    expect(hostElsewhere(host, "bücher", () => "https://BÜCHER.api.example.com")).toBeUndefined();
    expect(hostElsewhere(host, "acme", () => "https://globex.api.example.com.:444/x")?.instead).toBe(
      "https://acme.api.example.com",
    );
    expect(hostElsewhere(host, "acme", () => "https://globex.api.example.com")).toEqual({
      name: "tenant",
      why,
      instead: "https://acme.api.example.com",
      template: { template: "https://{tenant}.api.example.com", variables: [{ name: "tenant" }] },
      own: false,
    });
    const path = carrier("https://api.example.com/{tenant}/v1");
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/%61cme/v1")).toBeUndefined();
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/ACME/v1")?.instead).toBe(
      "https://api.example.com/acme/v1",
    );
    expect(hostElsewhere(path, "a/b", () => "https://api.example.com/x/v1")?.instead).toBe(
      "https://api.example.com/a%2Fb/v1",
    );
  });

  it("leaves a source with no base URL now, or one not of the template's form, to the executor", () => {
    const host = carrier("https://{tenant}.api.example.com");
    expect(hostElsewhere(host, "acme", () => undefined)).toBeUndefined();
    expect(hostElsewhere(host, "acme", () => "http://localhost:9000")).toBeUndefined();
    expect(hostElsewhere(host, "acme", () => "not a url")).toBeUndefined();
  });

  it("answers a repeated question as the first time, and reads a changed base URL or lock value anew", () => {
    const host = carrier("https://{tenant}.api.example.com");
    const globex = () => "https://globex.api.example.com";
    const elsewhere = {
      name: "tenant",
      why,
      instead: "https://acme.api.example.com",
      template: { template: "https://{tenant}.api.example.com", variables: [{ name: "tenant" }] },
      own: false,
    };
    for (let round = 0; round < 2; round++) {
      expect(hostElsewhere(host, "acme", globex)).toEqual(elsewhere);
      expect(hostElsewhere(host, "acme", globex)).toEqual(elsewhere);
      expect(hostElsewhere(host, "globex", globex)).toBeUndefined();
      expect(hostElsewhere(host, "acme", () => "https://acme.api.example.com")).toBeUndefined();
      expect(hostElsewhere(host, "acme", () => undefined)).toBeUndefined();
      expect(hostElsewhere(host, "acme", () => "https://acme.api.example.com/x")).toBeUndefined();
      expect(hostElsewhere(host, "acme", () => "https://initech.api.example.com/x")?.instead).toBe(
        "https://acme.api.example.com",
      );
    }
  });
});

describe("hostElsewhere: several templates", () => {
  const eu = "https://{tenant}.eu.api.example.com/v1";
  const any = "https://{tenant}.api.example.com/v1";
  const both = carrier(any, eu);

  it("one reading the locked tenant lets the URL through; else the first reading another refuses it", () => {
    expect(hostElsewhere(both, "acme", () => "https://acme.eu.api.example.com/v1")).toBeUndefined();
    expect(hostElsewhere(both, "acme", () => "https://acme.api.example.com/v1")).toBeUndefined();
    const other = hostElsewhere(both, "acme", () => "https://globex.eu.api.example.com/v1");
    expect([other?.template.template, other?.instead]).toEqual([any, "https://acme.api.example.com/v1"]);
    expect(
      hostElsewhere(carrier(eu, any), "acme", () => "https://globex.eu.api.example.com/v1")?.instead,
    ).toBe("https://acme.eu.api.example.com/v1");
    expect(hostElsewhere(both, "acme", () => "https://127.0.0.1/v1")).toBeUndefined();
  });

  it("a template naming no tenant (a `{region}`, a whole-host `{endpoint}`) lets nothing through", () => {
    const region = {
      template: { template: "https://{endpoint}/v1", variables: [{ name: "endpoint" }] },
      variables: [],
    };
    const mixed = { source, templates: [region, locking(any)] };
    expect(hostElsewhere(mixed, "acme", () => "https://globex.api.example.com/v1")?.name).toBe("tenant");
  });
});

describe("hostElsewhere: an operation's own server template", () => {
  const template = locking("https://{tenant}.upload.example.com/v1");
  const own = {
    source,
    templates: [template],
    own: { url: "https://demo.upload.example.com/v1", instead: "https://api.example.com", template },
  };

  it("reads the URL it fills while the base URL is the spec's server; another base URL against the template", () => {
    const found = hostElsewhere(own, "acme", () => "https://api.example.com/");
    expect([found?.instead, found?.own]).toEqual(["https://acme.upload.example.com/v1", true]);
    expect(hostElsewhere(own, "demo", () => "https://api.example.com")).toBeUndefined();
    expect(hostElsewhere(own, "acme", () => "http://127.0.0.1:8080")).toBeUndefined();
    const configured = hostElsewhere(own, "acme", () => "https://globex.upload.example.com/v1");
    expect([configured?.instead, configured?.own]).toEqual(["https://acme.upload.example.com/v1", false]);
  });
});

describe("serverTemplatesOf", () => {
  it("reads `servers`, or the one `server` a format-3 catalog written before held", () => {
    const t = { template: "https://{tenant}.x.com", variables: [{ name: "tenant" }] };
    expect(serverTemplatesOf({ ...source, servers: [t, t] })).toEqual([t, t]);
    expect(serverTemplatesOf({ ...source, server: t } as Source)).toEqual([t]);
    expect(serverTemplatesOf(source)).toEqual([]);
  });
});

describe("hostElsewhere: a spec's plain server beside the templates", () => {
  const plain = (url: string) => ({ template: { template: url, variables: [] }, variables: [] });
  const host = {
    source,
    templates: [locking("https://{tenant}.example.com/v1"), plain("https://api.example.com/v1")],
  };
  const path = {
    source,
    templates: [locking("https://api.example.com/{tenant}/v1"), plain("https://api.example.com/v1")],
  };

  it("a base URL that is the plain server (as the template reads it) names no tenant", () => {
    for (const url of [
      "https://api.example.com/v1",
      "https://API.example.com.:443/v2",
      "https://%61pi.example.com",
    ])
      expect(
        hostElsewhere(host, "acme", () => url),
        url,
      ).toBeUndefined();
    // A port is part of the place: the plain server's host on another port is another server, read as a tenant.
    for (const url of ["https://api.example.com:8443/v1", "http://API.example.com.:8443/v2"])
      expect(hostElsewhere(host, "acme", () => url)?.instead, url).toBe("https://acme.example.com/v1");
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/v1/")).toBeUndefined();
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/v1/extra")).toBeUndefined();
  });

  it("another tenant's host or path beside it is still refused; the locked one let through", () => {
    expect(hostElsewhere(host, "acme", () => "https://globex.example.com/v1")?.instead).toBe(
      "https://acme.example.com/v1",
    );
    expect(hostElsewhere(host, "acme", () => "https://x.api.example.com/v1")?.instead).toBe(
      "https://acme.example.com/v1",
    );
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/globex/v1")?.instead).toBe(
      "https://api.example.com/acme/v1",
    );
    expect(hostElsewhere(path, "acme", () => "https://api.example.com/V1")?.instead).toBe(
      "https://api.example.com/acme/v1",
    );
    expect(hostElsewhere(host, "acme", () => "https://acme.example.com/v1")).toBeUndefined();
  });

  it("an operation's own plain server, taking the call while the base URL is the spec's, names no tenant", () => {
    const own = {
      source,
      templates: [locking("https://{tenant}.example.com/v1"), plain("https://files.example.com")],
      own: {
        url: "https://files.example.com",
        instead: "https://demo.example.com/v1",
        template: plain("https://files.example.com"),
      },
    };
    expect(hostElsewhere(own, "acme", () => "https://demo.example.com/v1/")).toBeUndefined();
    expect(hostElsewhere(own, "acme", () => "https://files.example.com")).toBeUndefined();
    expect(hostElsewhere(own, "acme", () => "https://globex.example.com/v1")?.own).toBe(false);
  });
});

describe("outsideEnum: a base URL against the values its server's variables take", () => {
  const region = {
    template: "https://{region}.api.example.com/v1",
    variables: [{ name: "region", enum: ["eu", "us"] }],
  };
  const version = {
    template: "https://api.example.com/{version}",
    variables: [{ name: "version", enum: ["v1"] }],
  };
  const free = { template: "https://{tenant}.api.example.com/v1", variables: [{ name: "tenant" }] };
  const idn = { template: "https://{shop}.example.com", variables: [{ name: "shop", enum: ["Bücher"] }] };
  const plain = { template: "https://api.example.com/v1", variables: [] };

  it("names the first variable holding a value its enum does not list", () => {
    expect(outsideEnum([region], "https://staging.api.example.com/v1")).toEqual({
      template: region.template,
      name: "region",
      allowed: ["eu", "us"],
    });
    expect(outsideEnum([region], "https://x.eu.api.example.com/v1")?.name).toBe("region");
    expect(outsideEnum([version], "https://api.example.com/V1")?.name).toBe("version");
    expect(outsideEnum([version], "https://api.example.com/v2/x")?.name).toBe("version");
    expect(outsideEnum([idn], "https://buecher.example.com")?.name).toBe("shop");
  });

  it("lets through a listed value (a host's in any case or IDNA form), a plain server, another form", () => {
    for (const url of [
      "https://EU.api.example.com/v1",
      "https://%75s.api.example.com:8443/v2",
      "http://127.0.0.1:8080",
    ])
      expect(outsideEnum([region], url), url).toBeUndefined();
    expect(outsideEnum([version], "https://api.example.com/v1/")).toBeUndefined();
    expect(outsideEnum([version], "https://api.example.com/%761")).toBeUndefined();
    expect(outsideEnum([idn], "https://xn--bcher-kva.example.com")).toBeUndefined();
    expect(outsideEnum([idn], "https://BÜCHER.example.com")).toBeUndefined();
    // One template reading the URL within its values is enough; a plain server of the spec is the spec's.
    expect(outsideEnum([region, free], "https://acme.api.example.com/v1")).toBeUndefined();
    expect(outsideEnum([version, plain], "https://api.example.com/v1")).toBeUndefined();
    expect(outsideEnum([region], "https://api.example.com/v1")).toBeUndefined();
    expect(outsideEnum([], "https://anything.example.com")).toBeUndefined();
  });

  it("holds a port to the place: a port variable's enum is read, a plain server is one on its own port", () => {
    const port = {
      template: "https://api.example.com:{port}/v1",
      variables: [{ name: "port", enum: ["8443", "443"] }],
    };
    expect(outsideEnum([port], "https://api.example.com:9000/v1")).toEqual({
      template: port.template,
      name: "port",
      allowed: ["8443", "443"],
    });
    expect(outsideEnum([port], "http://api.example.com/v1")?.name).toBe("port");
    for (const url of [
      "https://api.example.com:8443/v1",
      "https://api.example.com/v1",
      "https://api.example.com:443/v1",
    ])
      expect(outsideEnum([port], url), url).toBeUndefined();
    const mixed = { template: "https://api.example.com:84{n}/v1", variables: [{ name: "n", enum: ["43"] }] };
    expect(outsideEnum([mixed], "https://api.example.com:8443/v1")).toBeUndefined();
    expect(outsideEnum([mixed], "https://api.example.com:9000/v1")?.name).toBe("n");
    // `https://api.example.com:8443` is not the plain server `https://api.example.com`: read as {region} = api.
    const host = { template: "https://{region}.example.com", variables: [{ name: "region", enum: ["eu"] }] };
    const plainHost = { template: "https://api.example.com", variables: [] };
    expect(outsideEnum([host, plainHost], "https://api.example.com")).toBeUndefined();
    expect(outsideEnum([host, plainHost], "https://api.example.com:443/")).toBeUndefined();
    expect(outsideEnum([host, plainHost], "https://api.example.com:8443")?.name).toBe("region");
  });
});
