"""The tortoise configuration as a module attribute, for tortoise's own migration commands."""

from shopwatch.core.db import tortoise_config
from shopwatch.settings import load_settings

TORTOISE_ORM = tortoise_config(load_settings().database_url)
