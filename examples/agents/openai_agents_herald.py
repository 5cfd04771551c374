"""An agent that runs a brand's social media through herald (OpenAI Agents SDK).

Not run by the tests. Needs `pip install openai-agents`, OPENAI_API_KEY, and a herald server
(`herald serve`) with an API key in HERALD_API_KEY.
"""
import asyncio
import os

from agents import Agent, Runner
from agents.mcp import MCPServerStreamableHttp


async def main() -> None:
    async with MCPServerStreamableHttp(
        name="herald",
        params={
            "url": os.environ.get("HERALD_URL", "http://127.0.0.1:8080") + "/mcp",
            "headers": {"Authorization": f"Bearer {os.environ['HERALD_API_KEY']}"},
            "timeout": 30,
        },
        cache_tools_list=True,
        # Ask before anything that cannot be undone.
        require_approval={"always": {"tool_names": ["delete_post", "cancel_post", "disconnect_account"]}},
    ) as herald:
        agent = Agent(
            name="Social media manager",
            instructions=(
                "You run our brand's social accounts with the herald tools. Validate posts "
                "before scheduling them, always pass an idempotency_key, and report post ids."
            ),
            mcp_servers=[herald],
        )
        result = await Runner.run(
            agent,
            "Schedule 'We are live! 🚀' on every connected account tomorrow at 9:00 Europe/Paris.",
        )
        print(result.final_output)


if __name__ == "__main__":
    asyncio.run(main())
