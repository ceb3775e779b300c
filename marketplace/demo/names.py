"""Word pools for demo listings, in Chinese and English, keyed by category slug.

Nothing here names a city: places come from the loaded City at generation time. A category a
city invents that has no pool here falls back to the vertical's "*" entry, which is built around
the category's own configured name.
"""

from __future__ import annotations

from typing import NamedTuple

FALLBACK = "*"


class Phrase(NamedTuple):
    """The same words in Chinese and in English; other locales get the English."""

    zh: str
    en: str


class Item(NamedTuple):
    """Something a listing sells: `price` in whole major units before jitter."""

    zh: str
    en: str
    price: int
    minutes: int | None = None


class Level(NamedTuple):
    slug: str
    zh: str
    en: str
    grades: tuple[str, ...]  # the catalogue's school years this level covers


class Format(NamedTuple):
    slug: str
    zh: str
    en: str
    per_hour: int  # whole major units per hour of teaching


# --- restaurants -------------------------------------------------------------------------------

OWNERS: tuple[Phrase, ...] = (
    Phrase("老王", "Lao Wang's"),
    Phrase("阿三", "A San's"),
    Phrase("张记", "Zhang's"),
    Phrase("李记", "Li's"),
    Phrase("陈阿姨", "Auntie Chen's"),
    Phrase("小杨", "Xiao Yang's"),
    Phrase("刘师傅", "Master Liu's"),
    Phrase("胖哥", "Big Brother Pang's"),
    Phrase("王妈妈", "Mama Wang's"),
    Phrase("老周", "Lao Zhou's"),
    Phrase("赵家", "Zhao Family"),
    Phrase("孙记", "Sun's"),
    Phrase("吴大姐", "Sister Wu's"),
    Phrase("阿芳", "A Fang's"),
    Phrase("徐师傅", "Master Xu's"),
    Phrase("黄记", "Huang's"),
    Phrase("马家", "Ma Family"),
    Phrase("老钱", "Lao Qian's"),
    Phrase("朱记", "Zhu's"),
    Phrase("何姐", "Sister He's"),
)

# how a name is put together, with how often each way is used
Styles = tuple[tuple[Phrase, int], ...]
RESTAURANT_STYLES: Styles = (
    (Phrase("{owner}{core}", "{owner} {core}"), 35),
    (Phrase("{place}{core}", "{place} {core}"), 20),
    (Phrase("{place}{owner}{core}", "{owner} {core}, {place}"), 15),
    (Phrase("{quality}{core}", "{quality} {core}"), 20),
    (Phrase("{quality}{owner}{core}", "{owner} {quality} {core}"), 10),
)

QUALITIES: tuple[Phrase, ...] = (
    Phrase("老字号", "Old Brand"),
    Phrase("正宗", "Authentic"),
    Phrase("网红", "Trending"),
    Phrase("新派", "New-Style"),
    Phrase("好味", "Tasty"),
    Phrase("小巷", "Back Lane"),
    Phrase("街角", "Street Corner"),
    Phrase("老街", "Old Street"),
)

RESTAURANT_CORES: dict[str, tuple[Phrase, ...]] = {
    "noodles": (
        Phrase("面馆", "Noodle House"),
        Phrase("银丝面馆", "Silver Thread Noodles"),
        Phrase("手擀面", "Hand-Rolled Noodles"),
        Phrase("牛肉面", "Beef Noodles"),
        Phrase("面庄", "Noodle Shop"),
        Phrase("拉面馆", "Hand-Pulled Noodles"),
        Phrase("馄饨面馆", "Wonton & Noodles"),
    ),
    "hotpot": (
        Phrase("火锅", "Hotpot"),
        Phrase("老火锅", "Old-School Hotpot"),
        Phrase("牛油火锅", "Beef Tallow Hotpot"),
        Phrase("串串香", "Skewer Hotpot"),
        Phrase("羊蝎子火锅", "Lamb Spine Hotpot"),
        Phrase("鲜牛肉火锅", "Fresh Beef Hotpot"),
    ),
    "local": (
        Phrase("本帮菜馆", "Home-Style Kitchen"),
        Phrase("私房菜", "Private Kitchen"),
        Phrase("家常菜", "Home Cooking"),
        Phrase("土菜馆", "Country Kitchen"),
        Phrase("酒家", "Restaurant"),
        Phrase("食府", "Dining Hall"),
    ),
    "snacks": (
        Phrase("小吃店", "Snack Bar"),
        Phrase("生煎馆", "Pan-Fried Buns"),
        Phrase("包子铺", "Bun Shop"),
        Phrase("馄饨铺", "Wonton Stall"),
        Phrase("早点铺", "Breakfast Stall"),
        Phrase("糕团店", "Rice Cake Shop"),
    ),
    "bbq": (
        Phrase("烧烤", "BBQ"),
        Phrase("烤串", "Skewers"),
        Phrase("烧烤大排档", "BBQ Food Stall"),
        Phrase("炭火烤肉", "Charcoal Grill"),
        Phrase("烤鱼", "Grilled Fish"),
    ),
    "cafe": (
        Phrase("咖啡", "Coffee"),
        Phrase("咖啡馆", "Café"),
        Phrase("甜品屋", "Dessert House"),
        Phrase("咖啡工坊", "Coffee Workshop"),
        Phrase("茶饮", "Tea Bar"),
        Phrase("烘焙咖啡", "Bake & Brew"),
    ),
    "fastfood": (
        Phrase("快餐", "Fast Food"),
        Phrase("盖浇饭", "Rice Bowls"),
        Phrase("中式快餐", "Chinese Fast Food"),
        Phrase("炸鸡汉堡", "Fried Chicken & Burgers"),
        Phrase("简餐", "Quick Meals"),
        Phrase("便当", "Bento"),
    ),
    # unknown restaurant categories: the configured category name is the core
    FALLBACK: (Phrase("", ""), Phrase("馆", "House"), Phrase("小馆", "Bistro")),
}

RESTAURANT_DISHES: dict[str, tuple[Item, ...]] = {
    "noodles": (
        Item("红汤面", "Noodles in Red Broth", 12),
        Item("白汤面", "Noodles in Clear Broth", 12),
        Item("腰花面", "Pork Kidney Noodles", 22),
        Item("虾仁面", "Shrimp Noodles", 28),
        Item("大排面", "Pork Chop Noodles", 20),
        Item("银丝面", "Silver Thread Noodles", 10),
        Item("小馄饨", "Small Wontons", 10),
        Item("鳝丝面", "Eel Noodles", 32),
        Item("葱油拌面", "Scallion Oil Noodles", 10),
        Item("三鲜面", "Three Delicacies Noodles", 18),
    ),
    "hotpot": (
        Item("麻辣锅底", "Spicy Broth Base", 48),
        Item("菌汤锅底", "Mushroom Broth Base", 42),
        Item("精品肥牛", "Premium Beef Slices", 38),
        Item("鲜毛肚", "Fresh Beef Tripe", 42),
        Item("鸭血", "Duck Blood Curd", 16),
        Item("手打虾滑", "Hand-Made Shrimp Paste", 36),
        Item("时蔬拼盘", "Seasonal Vegetable Platter", 22),
        Item("嫩羊肉卷", "Tender Lamb Rolls", 42),
        Item("冻豆腐", "Frozen Tofu", 10),
    ),
    "local": (
        Item("红烧肉", "Braised Pork Belly", 58),
        Item("糖醋排骨", "Sweet and Sour Ribs", 48),
        Item("清蒸白鱼", "Steamed Whitefish", 88),
        Item("蟹粉豆腐", "Crab Roe Tofu", 48),
        Item("松鼠鳜鱼", "Squirrel-Shaped Mandarin Fish", 128),
        Item("腌笃鲜", "Bamboo Shoot and Pork Soup", 68),
        Item("油爆虾", "Crispy Fried River Shrimp", 78),
        Item("清炒时蔬", "Stir-Fried Greens", 22),
        Item("酱鸭", "Soy-Braised Duck", 56),
        Item("狮子头", "Lion's Head Meatballs", 38),
    ),
    "snacks": (
        Item("生煎包", "Pan-Fried Pork Buns", 12),
        Item("小笼包", "Soup Dumplings", 16),
        Item("烧卖", "Glutinous Rice Shaomai", 10),
        Item("豆腐花", "Tofu Pudding", 8),
        Item("鸡蛋饼", "Egg Pancake", 8),
        Item("麻糕", "Sesame Flatbread", 8),
        Item("鲜肉大馄饨", "Large Pork Wontons", 15),
        Item("赤豆元宵", "Red Bean Rice Balls", 10),
        Item("蟹黄汤包", "Crab Roe Soup Buns", 28),
    ),
    "bbq": (
        Item("羊肉串（10串）", "Lamb Skewers (10)", 30),
        Item("烤鸡翅", "Grilled Chicken Wings", 18),
        Item("烤茄子", "Grilled Aubergine", 15),
        Item("蒜蓉烤生蚝（6只）", "Garlic Grilled Oysters (6)", 48),
        Item("香辣烤鱼", "Spicy Grilled Fish", 98),
        Item("烤韭菜", "Grilled Chives", 10),
        Item("烤五花肉", "Grilled Pork Belly", 22),
        Item("烤馒头片", "Grilled Bun Slices", 8),
        Item("扎啤", "Draught Beer", 12),
    ),
    "cafe": (
        Item("美式咖啡", "Americano", 22),
        Item("拿铁", "Latte", 28),
        Item("手冲咖啡", "Pour-Over Coffee", 38),
        Item("抹茶蛋糕", "Matcha Cake", 32),
        Item("提拉米苏", "Tiramisu", 36),
        Item("华夫饼", "Waffles", 26),
        Item("杨枝甘露", "Mango Pomelo Sago", 24),
        Item("芝士蛋糕", "Cheesecake", 30),
    ),
    "fastfood": (
        Item("鸡腿饭", "Chicken Leg Rice", 22),
        Item("牛肉饭", "Beef Rice Bowl", 26),
        Item("炸鸡套餐", "Fried Chicken Set", 32),
        Item("汉堡", "Burger", 18),
        Item("蛋炒饭", "Egg Fried Rice", 15),
        Item("酸菜鱼饭", "Pickled Fish Rice", 28),
        Item("番茄牛腩饭", "Tomato Beef Brisket Rice", 28),
        Item("例汤", "Soup of the Day", 8),
    ),
    FALLBACK: (
        Item("招牌套餐", "Signature Set Meal", 38),
        Item("家常豆腐", "Home-Style Tofu", 22),
        Item("宫保鸡丁", "Kung Pao Chicken", 32),
        Item("清炒时蔬", "Stir-Fried Greens", 18),
        Item("番茄炒蛋", "Tomato and Egg", 18),
        Item("米饭", "Steamed Rice", 8),
    ),
}

CUISINES: dict[str, tuple[str, ...]] = {
    "noodles": ("jiangnan", "northern", "noodles"),
    "hotpot": ("sichuan", "hotpot", "northern"),
    "local": ("jiangnan", "huaiyang", "home_style"),
    "snacks": ("jiangnan", "snacks", "breakfast"),
    "bbq": ("bbq", "northwestern", "sichuan"),
    "cafe": ("western", "desserts", "coffee"),
    "fastfood": ("fast_food", "cantonese", "western"),
    FALLBACK: ("home_style", "chinese"),
}

RESTAURANT_TAGS: dict[str, tuple[str, ...]] = {
    "noodles": ("breakfast", "local_favourite", "quick_bite"),
    "hotpot": ("spicy", "group_dining", "late_night"),
    "local": ("private_rooms", "family", "local_favourite"),
    "snacks": ("breakfast", "quick_bite", "takeaway"),
    "bbq": ("late_night", "spicy", "beer"),
    "cafe": ("wifi", "desserts", "quiet"),
    "fastfood": ("takeaway", "quick_bite", "combo_meals"),
    FALLBACK: ("family", "takeaway"),
}
COMMON_RESTAURANT_TAGS: tuple[str, ...] = (
    "signature",
    "family",
    "takeaway",
    "parking",
    "vegetarian_options",
    "good_value",
)

# --- housekeeping (家政) ------------------------------------------------------------------------

HOUSEKEEPING_BRANDS: tuple[Phrase, ...] = (
    Phrase("金牌", "Gold Medal"),
    Phrase("好帮手", "Good Helper"),
    Phrase("安心", "Peace of Mind"),
    Phrase("洁美", "Clean & Bright"),
    Phrase("家和", "Home Harmony"),
    Phrase("阳光", "Sunshine"),
    Phrase("贴心", "Caring"),
    Phrase("巧手", "Handy"),
    Phrase("康馨", "Kangxin"),
    Phrase("暖心", "Warm Heart"),
    Phrase("优家", "Better Home"),
    Phrase("彩虹", "Rainbow"),
)

HOUSEKEEPING_STYLES: Styles = (
    (Phrase("{brand}{core}", "{brand} {core}"), 70),
    (Phrase("{place}{brand}{core}", "{brand} {core} {place}"), 30),
)

HOUSEKEEPING_CORES: dict[str, tuple[Phrase, ...]] = {
    "cleaning": (
        Phrase("家政保洁", "Housekeeping"),
        Phrase("家政服务", "Home Services"),
        Phrase("保洁", "Cleaning"),
        Phrase("家政", "Home Help"),
    ),
    "deep_cleaning": (
        Phrase("深度保洁", "Deep Cleaning"),
        Phrase("开荒保洁", "Move-in Cleaning"),
        Phrase("清洁服务", "Cleaning Co."),
    ),
    "maternity": (
        Phrase("月嫂", "Maternity Nurses"),
        Phrase("母婴护理", "Mother & Baby Care"),
        Phrase("月子服务", "Postnatal Care"),
    ),
    "nanny": (
        Phrase("育儿嫂", "Nannies"),
        Phrase("保姆服务", "Nanny Services"),
        Phrase("家庭服务", "Family Services"),
    ),
    "appliance": (
        Phrase("家电清洗", "Appliance Cleaning"),
        Phrase("空调清洗", "Air-Con Cleaning"),
        Phrase("家电维保", "Appliance Care"),
    ),
    "moving": (
        Phrase("搬家", "Movers"),
        Phrase("搬家公司", "Removals"),
        Phrase("搬运服务", "Moving Services"),
    ),
    FALLBACK: (Phrase("", ""), Phrase("服务", "Services"), Phrase("家政", "Home Help")),
}

DAY = 24 * 60
HOUSEKEEPING_SERVICES: dict[str, tuple[Item, ...]] = {
    "cleaning": (
        Item("日常保洁 2小时", "Regular Cleaning, 2 h", 120, 120),
        Item("日常保洁 3小时", "Regular Cleaning, 3 h", 170, 180),
        Item("擦玻璃", "Window Cleaning", 150, 180),
        Item("厨房保洁", "Kitchen Cleaning", 180, 180),
        Item("卫生间保洁", "Bathroom Cleaning", 120, 120),
        Item("每周保洁（4次）", "Weekly Cleaning (4 visits)", 440, 480),
    ),
    "deep_cleaning": (
        Item("深度保洁 4小时", "Deep Cleaning, 4 h", 380, 240),
        Item("开荒保洁", "Move-in Cleaning", 580, 360),
        Item("油烟机深度清洗", "Range Hood Deep Clean", 168, 120),
        Item("全屋除螨", "Whole-Home Dust Mite Treatment", 260, 180),
        Item("地板打蜡", "Floor Waxing", 320, 240),
    ),
    "maternity": (
        Item("月嫂 26天", "Maternity Nurse, 26 days", 12800, 26 * DAY),
        Item("金牌月嫂 26天", "Senior Maternity Nurse, 26 days", 16800, 26 * DAY),
        Item("育婴师 26天", "Infant Care Specialist, 26 days", 9800, 26 * DAY),
        Item("产后护理 8小时", "Postnatal Care, 8 h", 360, 480),
        Item("催乳护理", "Lactation Support", 280, 90),
    ),
    "nanny": (
        Item("育儿嫂 26天", "Nanny, 26 days", 7800, 26 * DAY),
        Item("住家保姆 26天", "Live-in Nanny, 26 days", 6800, 26 * DAY),
        Item("钟点育儿 4小时", "Hourly Childcare, 4 h", 200, 240),
        Item("接送孩子", "School Pick-up", 60, 90),
    ),
    "appliance": (
        Item("空调清洗", "Air Conditioner Cleaning", 90, 60),
        Item("油烟机清洗", "Range Hood Cleaning", 160, 120),
        Item("洗衣机清洗", "Washing Machine Cleaning", 120, 90),
        Item("冰箱清洗", "Fridge Cleaning", 100, 90),
        Item("热水器清洗", "Water Heater Cleaning", 150, 90),
        Item("燃气灶清洗", "Gas Hob Cleaning", 80, 60),
    ),
    "moving": (
        Item("小型搬家", "Small Move (van)", 300, 180),
        Item("中型搬家", "Medium Move", 600, 240),
        Item("大型搬家", "Large Move", 1200, 360),
        Item("钢琴搬运", "Piano Moving", 500, 120),
        Item("家具拆装", "Furniture Assembly", 200, 120),
    ),
    FALLBACK: (
        Item("上门服务 2小时", "Home Visit, 2 h", 150, 120),
        Item("上门服务 4小时", "Home Visit, 4 h", 280, 240),
        Item("包月服务", "Monthly Package", 2400, 26 * DAY),
    ),
}

HOUSEKEEPING_NOTICE_HOURS: dict[str, tuple[int, ...]] = {
    "maternity": (168, 336, 720),
    "nanny": (48, 72, 168),
    "moving": (24, 48),
    FALLBACK: (2, 4, 12, 24),
}

HOUSEKEEPING_TAGS: tuple[str, ...] = (
    "certified",
    "insured",
    "background_checked",
    "weekend",
    "eco_products",
    "same_day",
    "bring_own_tools",
)

# --- tutoring (家教) ----------------------------------------------------------------------------

_PRIMARY = tuple(f"primary_{n}" for n in range(1, 7))
_JUNIOR = tuple(f"junior_{n}" for n in range(1, 4))
_SENIOR = tuple(f"senior_{n}" for n in range(1, 4))
_SCHOOL = (
    Level("primary", "小学", "Primary", _PRIMARY),
    Level("junior_high", "初中", "Junior High", _JUNIOR),
    Level("senior_high", "高中", "Senior High", _SENIOR),
)
_AGES = (
    Level("kids", "少儿", "Kids'", ("preschool", *_PRIMARY)),
    Level("teens", "青少年", "Teen", _JUNIOR + _SENIOR),
    Level("adults", "成人", "Adult", ("adult",)),
)
TUTOR_LEVELS: dict[str, tuple[Level, ...]] = {
    "math": _SCHOOL,
    "english": _SCHOOL,
    "chinese": _SCHOOL,
    "physics": _SCHOOL[1:],
    "music": _AGES,
    "art": _AGES,
    "programming": _AGES[:2],
    FALLBACK: _AGES,
}

# the subject words of a category; a category without an entry uses its configured name
TUTOR_SUBJECTS: dict[str, tuple[Phrase, ...]] = {
    "chinese": (Phrase("语文", "Chinese"), Phrase("作文", "Writing")),
    "music": (
        Phrase("钢琴", "Piano"),
        Phrase("小提琴", "Violin"),
        Phrase("吉他", "Guitar"),
        Phrase("古筝", "Guzheng"),
        Phrase("声乐", "Singing"),
    ),
    "art": (
        Phrase("素描", "Sketching"),
        Phrase("美术", "Art"),
        Phrase("书法", "Calligraphy"),
        Phrase("国画", "Chinese Painting"),
        Phrase("水彩", "Watercolour"),
    ),
    "programming": (
        Phrase("编程", "Coding"),
        Phrase("Python编程", "Python Coding"),
        Phrase("Scratch编程", "Scratch Coding"),
        Phrase("机器人编程", "Robotics"),
    ),
}

# how a lesson is given, keyed like the listing attribute `formats`
TUTOR_FORMATS: dict[str, Format] = {
    "at_home": Format("at_home", "上门一对一", "One-to-One at Home", 220),
    "at_centre": Format("at_centre", "小班课", "Small-Group Class", 90),
    "online": Format("online", "网课", "Online Class", 120),
}
TUTOR_NAME_STYLES: tuple[Phrase, ...] = (
    Phrase("一对一", "One-to-One"),
    Phrase("辅导", "Tutoring"),
    Phrase("培优", "Advanced Class"),
    Phrase("工作室", "Studio"),
    Phrase("小班", "Small Classes"),
)
TUTORING_STYLES: Styles = (
    (Phrase("{teacher}{level}{subject}{style}", "{teacher} {level} {subject} {style}"), 30),
    (Phrase("{brand}{subject}{style}", "{brand} {subject} {style}"), 30),
    (Phrase("{level}{subject}{style}", "{level} {subject} {style}"), 25),
    (Phrase("{place}{brand}{subject}{style}", "{brand} {subject} {style}, {place}"), 15),
)
TEACHERS: tuple[Phrase, ...] = (
    Phrase("王老师", "Ms Wang's"),
    Phrase("李老师", "Mr Li's"),
    Phrase("张老师", "Ms Zhang's"),
    Phrase("刘老师", "Mr Liu's"),
    Phrase("陈老师", "Ms Chen's"),
    Phrase("杨老师", "Mr Yang's"),
    Phrase("周老师", "Ms Zhou's"),
    Phrase("吴老师", "Mr Wu's"),
    Phrase("孙老师", "Ms Sun's"),
    Phrase("胡老师", "Mr Hu's"),
)
TUTOR_BRANDS: tuple[Phrase, ...] = (
    Phrase("启明星", "Morning Star"),
    Phrase("博学", "Erudite"),
    Phrase("新起点", "New Start"),
    Phrase("小树苗", "Little Sapling"),
    Phrase("青藤", "Green Vine"),
    Phrase("智慧树", "Wisdom Tree"),
    Phrase("书香", "Book Fragrance"),
    Phrase("彩虹桥", "Rainbow Bridge"),
)
TUTOR_LESSON_MINUTES: tuple[int, ...] = (45, 60, 90, 120)
TUTOR_TRIAL_PRICES: tuple[int, ...] = (19, 29, 39, 49)
TUTORING_TAGS: tuple[str, ...] = (
    "certified_teacher",
    "exam_prep",
    "small_class",
    "homework_help",
    "weekend",
    "experienced",
)

# --- shops --------------------------------------------------------------------------------------

SHOP_BRANDS: dict[str, tuple[Phrase, ...]] = {
    "grocery": (
        Phrase("社区", "Community"),
        Phrase("邻里", "Neighbourhood"),
        Phrase("惠民", "Huimin"),
        Phrase("百家", "Baijia"),
        Phrase("优鲜", "Youxian"),
        Phrase("好邻居", "Good Neighbour"),
        Phrase("万家", "Wanjia"),
    ),
    "convenience": (
        Phrase("好邻居", "Good Neighbour"),
        Phrase("快乐", "Happy"),
        Phrase("家家乐", "Jiajiale"),
        Phrase("便民", "Handy"),
        Phrase("一点", "One Stop"),
        Phrase("星光", "Starlight"),
    ),
    "bakery": (
        Phrase("麦香", "Wheat Aroma"),
        Phrase("甜心", "Sweetheart"),
        Phrase("金麦穗", "Golden Ear"),
        Phrase("可颂", "Croissant"),
        Phrase("暖阳", "Warm Sun"),
        Phrase("米朵", "Miduo"),
    ),
    "pharmacy": (
        Phrase("康泰", "Kangtai"),
        Phrase("仁心", "Benevolent Heart"),
        Phrase("百草", "Hundred Herbs"),
        Phrase("安康", "Ankang"),
        Phrase("济民", "Jimin"),
        Phrase("百姓", "People's"),
    ),
    "flowers": (
        Phrase("花语", "Flower Language"),
        Phrase("花间", "Among Flowers"),
        Phrase("一束", "A Bouquet"),
        Phrase("小雏菊", "Little Daisy"),
        Phrase("玫瑰园", "Rose Garden"),
        Phrase("花样年华", "Blossom Years"),
    ),
    "fruit": (
        Phrase("果多多", "Fruit Galore"),
        Phrase("百果", "Hundred Fruits"),
        Phrase("甜橙", "Sweet Orange"),
        Phrase("果缤纷", "Fruit Medley"),
        Phrase("四季", "Four Seasons"),
        Phrase("鲜果日记", "Fresh Fruit Diary"),
    ),
    FALLBACK: (
        Phrase("社区", "Community"),
        Phrase("邻里", "Neighbourhood"),
        Phrase("优品", "Quality"),
        Phrase("惠民", "Huimin"),
    ),
}

SHOP_STYLES: Styles = (
    (Phrase("{brand}{core}", "{brand} {core}"), 50),
    (Phrase("{place}{core}", "{place} {core}"), 25),
    (Phrase("{place}{brand}{core}", "{brand} {core}, {place}"), 25),
)

SHOP_CORES: dict[str, tuple[Phrase, ...]] = {
    "grocery": (
        Phrase("生鲜超市", "Fresh Market"),
        Phrase("菜篮子", "Veg Basket"),
        Phrase("鲜到家超市", "Fresh-to-Home Market"),
        Phrase("农贸生鲜", "Farmers' Fresh"),
    ),
    "convenience": (
        Phrase("便利店", "Convenience Store"),
        Phrase("24小时便利", "24h Mart"),
        Phrase("便民超市", "Corner Shop"),
    ),
    "bakery": (
        Phrase("烘焙坊", "Bakery"),
        Phrase("面包房", "Bread House"),
        Phrase("蛋糕店", "Cake Shop"),
        Phrase("西点屋", "Pastry House"),
    ),
    "pharmacy": (
        Phrase("大药房", "Pharmacy"),
        Phrase("药店", "Drugstore"),
        Phrase("健康药房", "Health Pharmacy"),
    ),
    "flowers": (
        Phrase("花店", "Florist"),
        Phrase("花艺", "Floral Studio"),
        Phrase("鲜花坊", "Flower House"),
    ),
    "fruit": (
        Phrase("水果店", "Fruit Shop"),
        Phrase("鲜果铺", "Fresh Fruit Stall"),
        Phrase("果园", "Orchard"),
        Phrase("水果超市", "Fruit Market"),
    ),
    FALLBACK: (Phrase("", ""), Phrase("店", "Store"), Phrase("商行", "Trading")),
}

SHOP_PRODUCTS: dict[str, tuple[Item, ...]] = {
    "grocery": (
        Item("青菜 500克", "Bok Choy (500 g)", 4),
        Item("西红柿 500克", "Tomatoes (500 g)", 5),
        Item("土鸡蛋 10枚", "Free-Range Eggs (10)", 18),
        Item("猪肋排 500克", "Pork Ribs (500 g)", 36),
        Item("鲜活河虾 500克", "Live River Shrimp (500 g)", 48),
        Item("嫩豆腐", "Silken Tofu", 3),
        Item("香米 5公斤", "Fragrant Rice (5 kg)", 65),
        Item("鲜牛奶 1升", "Fresh Milk (1 L)", 15),
        Item("鲫鱼 一条", "Crucian Carp (whole)", 16),
        Item("黄瓜 500克", "Cucumbers (500 g)", 4),
    ),
    "convenience": (
        Item("矿泉水 550毫升", "Mineral Water (550 ml)", 2),
        Item("关东煮 一份", "Oden (one serving)", 8),
        Item("饭团", "Rice Ball", 7),
        Item("三明治", "Sandwich", 9),
        Item("方便面", "Instant Noodles", 5),
        Item("酸奶", "Yoghurt", 6),
        Item("现磨咖啡", "Fresh Coffee", 12),
        Item("抽纸 3包", "Tissues (3 packs)", 10),
        Item("5号电池 4节", "AA Batteries (4)", 15),
        Item("冰淇淋", "Ice Cream", 6),
    ),
    "bakery": (
        Item("全麦吐司", "Wholemeal Loaf", 16),
        Item("可颂", "Croissant", 9),
        Item("芝士蛋糕", "Cheesecake", 28),
        Item("6寸生日蛋糕", "6-inch Birthday Cake", 128),
        Item("菠萝包", "Pineapple Bun", 6),
        Item("肉松小贝", "Pork Floss Cakes", 12),
        Item("葡式蛋挞 4只", "Egg Tarts (4)", 16),
        Item("法棍", "Baguette", 12),
    ),
    "pharmacy": (
        Item("布洛芬缓释胶囊", "Ibuprofen Capsules", 18),
        Item("感冒灵颗粒", "Cold Relief Granules", 15),
        Item("医用口罩 50只", "Medical Masks (50)", 25),
        Item("维生素C片", "Vitamin C Tablets", 30),
        Item("创可贴", "Plasters", 8),
        Item("电子体温计", "Digital Thermometer", 35),
        Item("碘伏消毒液", "Iodine Antiseptic", 10),
        Item("电子血压计", "Blood Pressure Monitor", 168),
    ),
    "flowers": (
        Item("红玫瑰 11支", "Red Roses (11 stems)", 99),
        Item("向日葵花束", "Sunflower Bouquet", 68),
        Item("康乃馨花束", "Carnation Bouquet", 78),
        Item("百合花篮", "Lily Basket", 158),
        Item("绿萝盆栽", "Pothos Plant", 25),
        Item("多肉组合", "Succulent Set", 36),
        Item("满天星花束", "Baby's Breath Bouquet", 45),
        Item("开业花篮", "Grand Opening Basket", 288),
    ),
    "fruit": (
        Item("水蜜桃 1公斤", "White Peaches (1 kg)", 25),
        Item("砂糖橘 1公斤", "Sugar Mandarins (1 kg)", 12),
        Item("红富士苹果 1公斤", "Fuji Apples (1 kg)", 14),
        Item("香蕉 1公斤", "Bananas (1 kg)", 9),
        Item("巨峰葡萄 500克", "Kyoho Grapes (500 g)", 22),
        Item("麒麟西瓜 一个", "Watermelon (whole)", 30),
        Item("草莓 500克", "Strawberries (500 g)", 35),
        Item("车厘子 500克", "Cherries (500 g)", 68),
        Item("鲜切果盒", "Cut Fruit Box", 25),
    ),
    FALLBACK: (
        Item("热销商品", "Best Seller", 20),
        Item("店长推荐", "Manager's Pick", 35),
        Item("日用小物", "Everyday Essentials", 12),
        Item("礼盒装", "Gift Box", 88),
    ),
}

SHOP_TAGS: tuple[str, ...] = (
    "member_discount",
    "local_produce",
    "imported",
    "organic",
    "gift_wrap",
)

# --- places and prose ---------------------------------------------------------------------------

STREETS: tuple[Phrase, ...] = (
    Phrase("人民路", "Renmin Rd"),
    Phrase("解放路", "Jiefang Rd"),
    Phrase("中山路", "Zhongshan Rd"),
    Phrase("和平路", "Heping Rd"),
    Phrase("建设路", "Jianshe Rd"),
    Phrase("长江路", "Changjiang Rd"),
    Phrase("青年路", "Qingnian Rd"),
    Phrase("延安路", "Yan'an Rd"),
    Phrase("花园路", "Huayuan Rd"),
    Phrase("商业街", "Shangye St"),
    Phrase("文化路", "Wenhua Rd"),
    Phrase("新华路", "Xinhua Rd"),
    Phrase("胜利路", "Shengli Rd"),
    Phrase("光明路", "Guangming Rd"),
    Phrase("朝阳路", "Chaoyang Rd"),
    Phrase("湖滨路", "Hubin Rd"),
    Phrase("学府路", "Xuefu Rd"),
    Phrase("健康路", "Jiankang Rd"),
    Phrase("东风路", "Dongfeng Rd"),
    Phrase("育才路", "Yucai Rd"),
)

# `{place}` is the district or landmark the listing sits by, `{item}` its first offering,
# `{years}` a number; placeholders are shared by both languages of a template.
OPENERS: dict[str, tuple[Phrase, ...]] = {
    "restaurant": (
        Phrase(
            "{place}附近的老店，招牌是{item}。",
            "A long-standing spot near {place}; order the {item}.",
        ),
        Phrase(
            "开了{years}年的小店，{item}每天现做。",
            "Open for {years} years, with {item} made fresh daily.",
        ),
        Phrase("街坊们常来吃{item}。", "Neighbours come back for the {item}."),
        Phrase(
            "{place}一带人气小馆，{item}卖得最好。",
            "A popular spot around {place}; the {item} sells best.",
        ),
    ),
    "housekeeping": (
        Phrase(
            "服务{place}及周边，{item}最受欢迎。",
            "Serving {place} and around; {item} is booked most.",
        ),
        Phrase(
            "从业{years}年的家政团队，{item}明码标价。",
            "A team with {years} years in home services; {item} at clear prices.",
        ),
        Phrase("持证上岗，预约{item}上门。", "Certified staff; book {item} at your door."),
    ),
    "tutoring": (
        Phrase(
            "{years}年教学经验，{item}深受家长好评。",
            "{years} years of teaching; parents rate the {item} highly.",
        ),
        Phrase("就在{place}附近，{item}可约。", "Near {place}; book the {item}."),
        Phrase("因材施教，从{item}开始。", "Teaching to each child, starting with the {item}."),
    ),
    "shop": (
        Phrase(
            "就在{place}旁边，{item}天天有货。", "Right by {place}, with {item} in stock every day."
        ),
        Phrase(
            "开了{years}年的街坊小店，推荐{item}。",
            "A neighbourhood shop for {years} years; try the {item}.",
        ),
        Phrase("{item}等商品，可到店自取。", "{item} and more, ready for pickup."),
    ),
}

FEATURES: dict[str, tuple[Phrase, ...]] = {
    "restaurant": (
        Phrase("环境干净，适合家庭聚餐。", "Clean and bright, good for family meals."),
        Phrase("午市套餐实惠，上菜快。", "Good-value lunch sets, served fast."),
        Phrase("支持到店自取和预订座位。", "Order ahead for pickup or book a table."),
        Phrase("食材每日新鲜采购。", "Ingredients bought fresh every morning."),
        Phrase("口味地道，分量足。", "Honest flavours and generous portions."),
    ),
    "housekeeping": (
        Phrase("服务人员均经过背景审核。", "Every worker is background-checked."),
        Phrase("不满意可免费返工。", "Not happy? We come back for free."),
        Phrase(
            "自带专业工具和环保清洁剂。", "We bring professional tools and eco-friendly products."
        ),
        Phrase("周末和节假日也可预约。", "Weekends and holidays bookable too."),
    ),
    "tutoring": (
        Phrase("可先约试听课。", "A trial lesson can be booked first."),
        Phrase("小班教学，每班不超过六人。", "Small classes of six at most."),
        Phrase("支持上门、到店和线上授课。", "Lessons at home, at our centre or online."),
        Phrase("每月给家长发送学习报告。", "Parents get a progress report every month."),
    ),
    "shop": (
        Phrase("会员购物享折扣。", "Members get a discount."),
        Phrase("满额可送货上门。", "Free delivery over a minimum spend."),
        Phrase("支持线上下单、到店自取。", "Order online, pick up in store."),
        Phrase("每天早上新鲜到货。", "Fresh stock arrives every morning."),
    ),
}

BRANCH = Phrase("{n}号店", "Branch {n}")
