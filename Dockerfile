# toolwright serving a generated catalog over Streamable HTTP. Build from the repository root:
#   docker build -t toolwright .
#   docker run --read-only --tmpfs /tmp -v tw-state:/var/lib/toolwright -p 8765:8765 \
#     -e TOOLWRIGHT_CLIENT_KEY=... -e SCAIVAULT_URL=... -e SCAIVAULT_TOKEN=... toolwright scaivault
# The image runs the compiled build (dist/, no TypeScript loader) as the unprivileged `node` user and writes nothing
# but its state volume and /tmp (Node's compile cache), so it runs with a read-only root filesystem. See docs/operations.md (Containers) for a compose file with
# several replicas, Redis and a load balancer.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY codegen ./codegen
RUN node scripts/build.mjs --js-only

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    TOOLWRIGHT_HTTP=true \
    TOOLWRIGHT_HOST=0.0.0.0 \
    TOOLWRIGHT_PORT=8765 \
    TOOLWRIGHT_STATE=sqlite:/var/lib/toolwright/state.sqlite
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY generated ./generated
RUN mkdir -p /var/lib/toolwright && chown node:node /var/lib/toolwright
USER node
VOLUME ["/var/lib/toolwright"]
EXPOSE 8765
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TOOLWRIGHT_PORT||8765)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/toolwright.js", "serve"]
CMD ["scaivault"]
