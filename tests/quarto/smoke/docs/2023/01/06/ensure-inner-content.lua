function Div(div)
  if div.classes:includes("inner-content") then
    div.classes:insert("filter-ran")
    return div
  end
end
