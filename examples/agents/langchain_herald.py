"""herald's tools in a LangChain / LangGraph agent (langchain-mcp-adapters). Not run by the tests."""
import asyncio
import os

from langchain_mcp_adapters.client import MultiServerMCPClient
from langgraph.prebuilt import create_react_agent


async def main() -> None:
    client = MultiServerMCPClient({
        "herald": {
            "transport": "streamable_http",
            "url": os.environ.get("HERALD_URL", "http://127.0.0.1:8080") + "/mcp",
            "headers": {"Authorization": f"Bearer {os.environ['HERALD_API_KEY']}"},
        }
    })
    tools = await client.get_tools()  # each call opens its own MCP session; herald is fine with that
    agent = create_react_agent("openai:gpt-4.1", tools)
    answer = await agent.ainvoke({"messages": "Which accounts are connected, and what is scheduled this week?"})
    print(answer["messages"][-1].content)


if __name__ == "__main__":
    asyncio.run(main())
