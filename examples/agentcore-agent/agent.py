"""A minimal Amazon Bedrock AgentCore Runtime agent for Agent Chat (Strands Agents).

One runtime serves every tenant: the tenant context comes in the payload (tenant_context), never from the prompt.
BedrockAgentCoreApp serves POST /invocations and GET /ping on port 8080; yielding from the entrypoint streams
server-sent events, which the Agent Chat server reads as they arrive.
"""
from bedrock_agentcore import BedrockAgentCoreApp
from strands import Agent, tool

app = BedrockAgentCoreApp()
agents = {}  # one Strands agent (and so one conversation) per runtime session


@tool
def get_weather(city: str) -> str:
    """Current weather for a city (a stand-in: connect a real weather service here)."""
    return f"No live weather source is connected; cannot tell the weather in {city}."


def agent_for(session_id, context, history):
    agent = agents.get(session_id)
    if agent is None:
        tools = [get_weather] if "weather" in context.get("allowed_tools", []) else []
        system = (f"You are the assistant of organisation {context.get('tenant_id')} on the "
                  f"{context.get('subscription_tier')} plan, talking with a {context.get('user_role')}. Answer briefly.")
        messages = [{"role": line["role"], "content": [{"text": line["text"]}]} for line in history]
        agent = Agent(system_prompt=system, tools=tools, messages=messages)
        agents[session_id] = agent
    return agent


@app.entrypoint
async def invoke(payload, context):
    tenant = payload.get("tenant_context", {})
    agent = agent_for(context.session_id, tenant, payload.get("history", []))
    async for event in agent.stream_async(payload.get("prompt", "")):
        if "event" in event or "message" in event:  # the model's events and finished messages carry text, tools and usage
            yield {k: event[k] for k in ("event", "message") if k in event}


if __name__ == "__main__":
    app.run()
