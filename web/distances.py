"""How far a listing is, as cards say it: 350 m / 2.4 km."""


def distance_text(metres: int | None) -> str:
    """Metres rounded to tens below a kilometre, kilometres to one decimal above; "" unknown."""
    if metres is None:
        return ""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"
