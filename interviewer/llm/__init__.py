"""Model back ends: the OpenAI-compatible client, the LLM interviewer and the LLM judge. Imported only when used."""
