"""Job handler of the chat: a thin adapter from a Job's input to the chat service."""

from __future__ import annotations

from chat_api.models import ChatMessage
from chat_api.serializers import ChatMessageSerializer
from chat_api.services import chat_reply
from jobs.runner import JobContext, register
from jobs.services import JobFailure
from strategy_api.models import Strategy


@register("chat")
def chat_job(job, ctx: JobContext):
    from apikeys.services import llm_provider_get

    try:
        strategy = Strategy.objects.get(pk=job.input["strategy_id"], owner=job.owner)
        message = ChatMessage.objects.get(pk=job.input["message_id"], strategy=strategy)
    except (Strategy.DoesNotExist, ChatMessage.DoesNotExist):
        raise JobFailure("not_found", "The strategy no longer exists.", http_status=404) from None
    # Raises ProviderUnavailable (422) if the keys were removed after the message was accepted.
    provider = llm_provider_get(requested=job.input.get("provider"))
    reply = chat_reply(strategy=strategy, message=message, provider=provider, on_event=ctx.event)
    return dict(ChatMessageSerializer(reply).data), 200
