"""fastmcp's client (`fastmcp.Client`) in front of a toolwright server, over stdio or Streamable HTTP.

Argument: the JSON object sdk_client.py takes. fastmcp turns each output schema into a Python type and reads a
call's structured content into it (`result.data`); an error result is returned with `raise_on_error=False`.
Prints one JSON object: every tool's name and each call's outcome (`data` as JSON, through pydantic).
"""

import asyncio
import json
import sys

from fastmcp import Client
from fastmcp.client.transports import StdioTransport, StreamableHttpTransport
from pydantic import TypeAdapter


async def call(client, tool, args):
    try:
        result = await client.call_tool(tool, args, raise_on_error=False)
    except Exception as error:  # fastmcp's own refusal (e.g. structured content against the output schema)
        return {"tool": tool, "raised": f"{type(error).__name__}: {error}"}
    text = "".join(block.text for block in result.content if block.type == "text")
    data = TypeAdapter(type(result.data)).dump_python(result.data, mode="json") if result.data is not None else None
    return {"tool": tool, "isError": result.is_error, "structured": data, "text": text}


async def run(spec):
    if spec["transport"] == "stdio":
        transport = StdioTransport(command=spec["command"], args=spec["args"], env=spec["env"], cwd=spec["cwd"])
    else:
        transport = StreamableHttpTransport(spec["url"], headers=spec["headers"])
    async with Client(transport) as client:
        tools = await client.list_tools()
        calls = [await call(client, c["tool"], c["args"]) for c in spec["calls"]]
        return {"tools": [tool.name for tool in tools], "calls": calls}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
