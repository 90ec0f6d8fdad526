"""Token accounting: what each model call used, and what it cost at the configured prices."""

from __future__ import annotations

from pydantic import BaseModel


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cost_usd: float = 0.0
    estimated: bool = False  # some of it counted here (about four characters a token): the server did not report it

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            calls=self.calls + other.calls,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
            estimated=self.estimated or other.estimated,
        )

    @property
    def empty(self) -> bool:
        return self.calls == 0

    def describe(self) -> str:
        cost = f", about ${self.cost_usd:.4f}" if self.cost_usd else ""
        estimate = " (estimated: the server did not report all of it)" if self.estimated else ""
        return f"{self.input_tokens:,} tokens in, {self.output_tokens:,} out in {self.calls} calls{cost}{estimate}"
