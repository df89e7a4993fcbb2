from collections.abc import Callable
from typing import Any

class LuaError(Exception): ...

class LuaRuntime:
    def __init__(
        self,
        encoding: str | bytes | None = ...,
        source_encoding: str | bytes | None = ...,
        attribute_filter: Callable[[object, object, bool], object] | None = ...,
        attribute_handlers: Any = ...,
        register_eval: bool = ...,
        unpack_returned_tuples: bool = ...,
        register_builtins: bool = ...,
        overflow_handler: Any = ...,
        max_memory: int | None = ...,
    ) -> None: ...
    def eval(self, lua_code: str | bytes, *args: Any) -> Any: ...
    def execute(self, lua_code: str | bytes, *args: Any) -> Any: ...
    def table_from(self, *args: Any, recursive: bool = ...) -> Any: ...
    def globals(self) -> Any: ...
    lua_version: tuple[int, int]
    lua_implementation: str
def lua_type(obj: object) -> str | None: ...
