"""The Python MCP SDK's client (package `mcp`) in front of a toolwright server, over stdio or Streamable HTTP.

Argument: a JSON object {"transport": "stdio"|"http", "command", "args", "env", "cwd"} for stdio or
{"transport": "http", "url", "headers"} for HTTP, and "calls": [{"tool", "args"}]. Prints one JSON object: the
server's name, every tool's name (following cursors), each published schema that Python's jsonschema (Draft
2020-12) does not accept as a schema, and each call's outcome (the SDK validates structured content against the
tool's output schema itself and raises when it does not conform). With "gemini": true, each tool is also turned
into a Gemini tool by the Google GenAI SDK (`google-genai`) as `generate_content` does for an MCP session given
in `tools` (`mcp_to_gemini_tools`: the input schema filtered, then `Schema.from_json_schema`), and each refusal is
reported with the tool's name.
"""

import asyncio
import json
import sys
from contextlib import AsyncExitStack

import httpx2
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import PaginatedRequestParams


def schema_problems(tool):
    problems = []
    for side, schema in (("input", tool.input_schema), ("output", tool.output_schema)):
        if schema is None:
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            problems.append(f"{tool.name} {side}: {error.message}")
    return problems


def gemini_refusals(tools):
    from google.genai import _mcp_utils

    refusals = {}
    for tool in tools:
        try:
            _mcp_utils.mcp_to_gemini_tools([tool])
        except Exception as error:
            refusals[tool.name] = f"{type(error).__name__}: {error}"
    return refusals


async def call(session, tool, args):
    try:
        result = await session.call_tool(tool, args)
    except Exception as error:  # the SDK's own refusal (e.g. structured content against the output schema)
        return {"tool": tool, "raised": f"{type(error).__name__}: {error}"}
    text = "".join(block.text for block in result.content if block.type == "text")
    return {
        "tool": tool,
        "isError": result.is_error,
        "structured": result.structured_content,
        "text": text,
    }


async def run(spec):
    async with AsyncExitStack() as stack:
        if spec["transport"] == "stdio":
            params = StdioServerParameters(
                command=spec["command"], args=spec["args"], env=spec["env"], cwd=spec["cwd"]
            )
            streams = await stack.enter_async_context(stdio_client(params, errlog=sys.stderr))
        else:
            http = await stack.enter_async_context(httpx2.AsyncClient(headers=spec["headers"]))
            streams = await stack.enter_async_context(streamable_http_client(spec["url"], http_client=http))
        read, write = streams[0], streams[1]
        session = await stack.enter_async_context(ClientSession(read, write))
        init = await session.initialize()
        tools, pages, cursor = [], 0, None
        while True:
            page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
            pages += 1
            tools.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        problems = [problem for tool in tools for problem in schema_problems(tool)]
        calls = [await call(session, c["tool"], c["args"]) for c in spec["calls"]]
        report = {
            "server": init.server_info.name,
            "protocol": init.protocol_version,
            "tools": [tool.name for tool in tools],
            "pages": pages,
            "noArguments": [tool.name for tool in tools if not tool.input_schema.get("properties")],
            "withOutputSchema": sum(1 for tool in tools if tool.output_schema is not None),
            "schemaProblems": problems,
            "calls": calls,
        }
        if spec.get("gemini"):
            report["geminiRefusals"] = gemini_refusals(tools)
        return report


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
