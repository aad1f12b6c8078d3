## Rahmen der Seiten: Menü des Praxisbereichs, Teile des Live-Wartezimmers.

practice-menu = Menü
panel-done = heute erledigt ({ $count })
